// What a person finds in their inbox: the plain-text part word for word, the HTML part
// escaped, and a subject that is one safe header line.
import { describe, expect, it } from "vitest";
import { renderDigestMail, renderNotificationMail, renderResetPasswordMail, renderSignupAttemptMail, renderVerifyEmailMail } from "~/app/lib/mail-render";

const hostile = `<script>alert("x")</script> & 'quotes'`;
const escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;";

describe("a notification mail", () => {
  // Rendered inside each test (not when the file is collected), so a mutation test sees every line run by a test.
  const render = () =>
    renderNotificationMail({
      recipientName: "Alice",
      item: { title: "Expense #4 was paid", body: "The fund paid 120.00 USD.", url: "https://club.test/expenses/4" },
      kindLabel: "Your expense was paid",
      settingsUrl: "https://club.test/settings/notifications",
      unsubscribeUrl: "https://club.test/unsubscribe/k",
    });

  it("says what happened, where, why it came and how to stop it, in plain text", () => {
    const mail = render();
    expect(mail.subject).toBe("Expense #4 was paid · Club Zero");
    expect(mail.text).toBe(
      [
        "Hello Alice,",
        "",
        "The fund paid 120.00 USD.",
        "",
        "Open it: https://club.test/expenses/4",
        "",
        "--",
        'Club Zero sent this because "Your expense was paid" is on in your notification settings.',
        "Change them: https://club.test/settings/notifications",
        "Stop these mails: https://club.test/unsubscribe/k",
        "",
      ].join("\n"),
    );
  });

  it("is a whole HTML page with the same links", () => {
    const mail = render();
    expect(mail.html).toContain(
      '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 36rem">\n<p style="font-weight: 600">Club Zero</p>\n',
    );
    expect(mail.html.startsWith('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Club Zero</title></head>\n<body')).toBe(true);
    expect(mail.html).toContain("<p>Hello Alice,</p>\n<p>The fund paid 120.00 USD.</p>\n");
    expect(mail.html).toContain('<p><a href="https://club.test/expenses/4">Expense #4 was paid</a></p>');
    expect(mail.html).toContain("“Your expense was paid” is on in your ");
    expect(mail.html).toContain('<a href="https://club.test/settings/notifications">notification settings</a>. ');
    expect(mail.html).toContain('<a href="https://club.test/unsubscribe/k">Stop these mails</a>.</p>\n</body></html>');
  });

  it("escapes whatever users wrote in its HTML", () => {
    const m = renderNotificationMail({
      recipientName: hostile,
      item: { title: hostile, body: hostile, url: `https://club.test/"><script>` },
      kindLabel: hostile,
      settingsUrl: "https://club.test/s",
      unsubscribeUrl: "https://club.test/u",
    });
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain(`<p>Hello ${escaped},</p>`);
    expect(m.html).toContain(`<p>${escaped}</p>`);
    expect(m.html).toContain('href="https://club.test/&quot;&gt;&lt;script&gt;"');
  });

  it("has a subject on one line of at most 200 characters", () => {
    const m = (title: string) =>
      renderNotificationMail({ recipientName: "A", item: { title, body: "b", url: "u" }, kindLabel: "k", settingsUrl: "s", unsubscribeUrl: "u" }).subject;
    expect(m("Bcc: evil@example\r\nX-Injected:\u0000 yes\u007f")).toBe("Bcc: evil@example X-Injected:  yes  · Club Zero");
    const long = m("x".repeat(300));
    expect(long).toHaveLength(200);
    expect(long.endsWith("x…")).toBe(true);
    const exact = "y".repeat(200 - " · Club Zero".length);
    expect(m(exact)).toBe(`${exact} · Club Zero`);
    expect(m("  \tPaid\n")).toBe("Paid  · Club Zero");
  });
});

describe("a digest mail", () => {
  const items = [
    { title: "Bounty #1 claimed", body: "Bob claimed it.", url: "https://club.test/bounties/1" },
    { title: "Expense #2 approved", body: "Carol approved it.", url: "https://club.test/expenses/2" },
  ];
  const digest = (list = items) =>
    renderDigestMail({ recipientName: "Alice", day: "2026-11-29", items: list, settingsUrl: "https://club.test/s", unsubscribeUrl: "https://club.test/u" });

  it("lists the day's items in plain text", () => {
    const mail = digest();
    expect(mail.subject).toBe("Your daily digest for 2026-11-29 (2) · Club Zero");
    expect(mail.text).toBe(
      [
        "Hello Alice,",
        "",
        "2 things happened on 2026-11-29:",
        "",
        "* Bounty #1 claimed",
        "  Bob claimed it.",
        "  https://club.test/bounties/1",
        "",
        "* Expense #2 approved",
        "  Carol approved it.",
        "  https://club.test/expenses/2",
        "",
        "--",
        'Club Zero sends this daily digest for the kinds you chose "Daily digest" for.',
        "Change them: https://club.test/s",
        "Stop the digest: https://club.test/u",
        "",
      ].join("\n"),
    );
  });

  it("lists them as links in HTML, escaped", () => {
    const mail = digest([{ title: hostile, body: hostile, url: "https://club.test/b/1" }, items[1]!]);
    expect(mail.html).toContain(
      `<p>2 things happened on 2026-11-29:</p>\n<ul>\n<li><a href="https://club.test/b/1">${escaped}</a><br>${escaped}</li>\n<li><a href="https://club.test/expenses/2">Expense #2 approved</a><br>Carol approved it.</li>\n</ul>`,
    );
    expect(mail.html).toContain("“Daily digest” for in your ");
    expect(mail.html).toContain('<a href="https://club.test/s">notification settings</a>. <a href="https://club.test/u">Stop the digest</a>.');
  });

  it("counts one thing in the singular", () => {
    expect(digest([items[0]!]).text).toContain("\n1 thing happened on 2026-11-29:\n");
  });
});

describe("account mails", () => {
  it("confirm an address with a one-time link and say how long it works", () => {
    const mail = renderVerifyEmailMail({ recipientName: "Alice", url: "https://club.test/verify/t", email: "a@example.org", hours: 48 });
    expect(mail.subject).toBe("Confirm your email address · Club Zero");
    expect(mail.text).toBe(
      [
        "Hello Alice,",
        "",
        "Someone (we hope you) gave a@example.org as the address of a Club Zero account. Follow the link and press the button to confirm it; until then Club Zero sends it no mail.",
        "",
        "The link works once, for 48 hours.",
        "",
        "Confirm this address: https://club.test/verify/t",
        "",
        "--",
        "If it was not you, ignore this mail: the address stays unconfirmed and gets nothing more from Club Zero.",
        "",
      ].join("\n"),
    );
    expect(mail.html).toContain('<p>The link works once, for 48 hours.</p>\n<p><a href="https://club.test/verify/t">Confirm this address</a></p>');
    expect(mail.html).toContain(">If it was not you, ignore this mail: the address stays unconfirmed and gets nothing more from Club Zero.</p>");
  });

  it("reset a password for a named account", () => {
    const mail = renderResetPasswordMail({ recipientName: "Alice", url: "https://club.test/reset/t", username: "alice", minutes: 30 });
    expect(mail.subject).toBe("Reset your password · Club Zero");
    expect(mail.text.startsWith("Hello Alice,\n\nSomeone asked to reset the password")).toBe(true);
    expect(mail.text).toContain("the Club Zero account @alice. Follow the link");
    expect(mail.text).toContain("\nThe link works once, for 30 minutes.\n\nChoose a new password: https://club.test/reset/t\n\n--\n");
    expect(mail.text.endsWith("If you did not ask for this, ignore this mail: your password stays as it is.\n")).toBe(true);
  });

  it("warn the owner of an address someone tried to sign up with, and offer both ways back", () => {
    const mail = renderSignupAttemptMail({
      recipientName: "Alice",
      url: "https://club.test/login",
      email: "a@example.org",
      resetUrl: "https://club.test/forgot",
    });
    expect(mail.subject).toBe("Someone tried to sign up with your address · Club Zero");
    expect(mail.text.startsWith("Hello Alice,\n\nSomeone just tried to create a new Club Zero account")).toBe(true);
    expect(mail.text).toContain("with a@example.org, which already belongs to your account.");
    expect(mail.text).toContain("(https://club.test/login), or reset your password if you forgot it (https://club.test/forgot).");
    expect(mail.text).toContain("Sign in: https://club.test/login");
    expect(mail.html).toContain(">If it was not you, there is nothing to do: your account is unchanged.</p>\n</body></html>");
  });
});
