// Mails as text and HTML, from plain strings. Pure: no I/O, no environment.

export const APP_NAME = "Club Zero";

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailItem {
  title: string;
  body: string;
  /** Absolute URL of the page that needs the person. */
  url: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** One line, no control characters (a subject is a header). */
function oneLine(text: string, max = 200): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function layout(greeting: string, inner: string, footer: string): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><title>' + escapeHtml(APP_NAME) + "</title></head>",
    '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 36rem">',
    `<p style="font-weight: 600">${escapeHtml(APP_NAME)}</p>`,
    `<p>${escapeHtml(greeting)}</p>`,
    inner,
    `<hr><p style="font-size: 0.85em; color: #555">${footer}</p>`,
    "</body></html>",
  ].join("\n");
}

export interface NotificationMailInput {
  recipientName: string;
  item: MailItem;
  /** What the person may turn off ("Your expense was paid"). */
  kindLabel: string;
  settingsUrl: string;
  unsubscribeUrl: string;
}

/** One notification, sent at once. */
export function renderNotificationMail(input: NotificationMailInput): RenderedMail {
  const { item } = input;
  const greeting = `Hello ${input.recipientName},`;
  const text = [
    greeting,
    "",
    item.body,
    "",
    `Open it: ${item.url}`,
    "",
    "--",
    `${APP_NAME} sent this because "${input.kindLabel}" is on in your notification settings.`,
    `Change them: ${input.settingsUrl}`,
    `Stop these mails: ${input.unsubscribeUrl}`,
    "",
  ].join("\n");
  const html = layout(
    greeting,
    `<p>${escapeHtml(item.body)}</p>\n<p><a href="${escapeHtml(item.url)}">${escapeHtml(item.title)}</a></p>`,
    `${escapeHtml(APP_NAME)} sent this because “${escapeHtml(input.kindLabel)}” is on in your ` +
      `<a href="${escapeHtml(input.settingsUrl)}">notification settings</a>. ` +
      `<a href="${escapeHtml(input.unsubscribeUrl)}">Stop these mails</a>.`,
  );
  return { subject: oneLine(`${item.title} · ${APP_NAME}`), text, html };
}

export interface DigestMailInput {
  recipientName: string;
  /** YYYY-MM-DD (UTC) */
  day: string;
  items: MailItem[];
  settingsUrl: string;
  unsubscribeUrl: string;
}

/** A day's notifications in one mail. */
export function renderDigestMail(input: DigestMailInput): RenderedMail {
  const greeting = `Hello ${input.recipientName},`;
  const count = input.items.length;
  const intro = `${count} ${count === 1 ? "thing" : "things"} happened on ${input.day}:`;
  const text = [
    greeting,
    "",
    intro,
    "",
    ...input.items.flatMap((i) => [`* ${i.title}`, `  ${i.body}`, `  ${i.url}`, ""]),
    "--",
    `${APP_NAME} sends this daily digest for the kinds you chose "Daily digest" for.`,
    `Change them: ${input.settingsUrl}`,
    `Stop the digest: ${input.unsubscribeUrl}`,
    "",
  ].join("\n");
  const list = input.items.map((i) => `<li><a href="${escapeHtml(i.url)}">${escapeHtml(i.title)}</a><br>${escapeHtml(i.body)}</li>`).join("\n");
  const html = layout(
    greeting,
    `<p>${escapeHtml(intro)}</p>\n<ul>\n${list}\n</ul>`,
    `${escapeHtml(APP_NAME)} sends this daily digest for the kinds you chose “Daily digest” for in your ` +
      `<a href="${escapeHtml(input.settingsUrl)}">notification settings</a>. <a href="${escapeHtml(input.unsubscribeUrl)}">Stop the digest</a>.`,
  );
  return { subject: oneLine(`Your daily digest for ${input.day} (${count}) · ${APP_NAME}`), text, html };
}

export interface AccountMailInput {
  recipientName: string;
  /** Absolute URL of the page the mail leads to. */
  url: string;
}

function accountMail(subject: string, greeting: string, paragraphs: string[], link: { label: string; url: string } | null, footer: string): RenderedMail {
  const text = [greeting, "", ...paragraphs.flatMap((p) => [p, ""]), ...(link ? [`${link.label}: ${link.url}`, ""] : []), "--", footer, ""].join("\n");
  const inner = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
  ].join("\n");
  return { subject: oneLine(`${subject} · ${APP_NAME}`), text, html: layout(greeting, inner, escapeHtml(footer)) };
}

/** The link that verifies an address (sent to that address, verified or not: it is the verification). */
export function renderVerifyEmailMail(input: AccountMailInput & { email: string; hours: number }): RenderedMail {
  return accountMail(
    "Confirm your email address",
    `Hello ${input.recipientName},`,
    [
      `Someone (we hope you) gave ${input.email} as the address of a ${APP_NAME} account. Follow the link and press the button to confirm it; until then ${APP_NAME} sends it no mail.`,
      `The link works once, for ${input.hours} hours.`,
    ],
    { label: "Confirm this address", url: input.url },
    `If it was not you, ignore this mail: the address stays unconfirmed and gets nothing more from ${APP_NAME}.`,
  );
}

/** A password-reset link (only ever sent to a verified address). */
export function renderResetPasswordMail(input: AccountMailInput & { username: string; minutes: number }): RenderedMail {
  return accountMail(
    "Reset your password",
    `Hello ${input.recipientName},`,
    [
      `Someone asked to reset the password of the ${APP_NAME} account @${input.username}. Follow the link to choose a new one; every place that account is signed in will be signed out.`,
      `The link works once, for ${input.minutes} minutes.`,
    ],
    { label: "Choose a new password", url: input.url },
    "If you did not ask for this, ignore this mail: your password stays as it is.",
  );
}

/** To the owner of a verified address someone else tried to join with. */
export function renderSignupAttemptMail(input: AccountMailInput & { email: string; resetUrl: string }): RenderedMail {
  return accountMail(
    "Someone tried to sign up with your address",
    `Hello ${input.recipientName},`,
    [
      `Someone just tried to create a new ${APP_NAME} account with ${input.email}, which already belongs to your account. The new account did not get your address.`,
      `If it was you: sign in to your existing account (${input.url}), or reset your password if you forgot it (${input.resetUrl}).`,
    ],
    { label: "Sign in", url: input.url },
    "If it was not you, there is nothing to do: your account is unchanged.",
  );
}
