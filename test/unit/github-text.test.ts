import { describe, expect, it } from "vitest";
import { formatReply, formatReplyRecipient, isClubZeroReply, parseReplyRecipient, replyMarker } from "~/app/lib/github-replies";
import { addedCommands, isBot, parseCommands, parseIssueRefs } from "~/app/lib/github-text";

describe("comment commands", () => {
  it("reads each command on its own line, in order", () => {
    expect(parseCommands("Thanks!\n/claim\n/progress drafted the design doc\n/submit https://github.com/a/b/pull/3\n/release")).toEqual([
      { kind: "claim" },
      { kind: "progress", note: "drafted the design doc" },
      { kind: "submit", url: "https://github.com/a/b/pull/3" },
      { kind: "release" },
    ]);
  });

  it("ignores commands inside sentences, quotes and code blocks", () => {
    expect(parseCommands("please /claim this\n> /claim\n```\n/claim\n```\n  /CLAIM  ")).toEqual([{ kind: "claim" }]);
  });

  it("a /claim in a fenced code block is not a command, for ``` and ~~~ fences and until the matching fence closes", () => {
    expect(parseCommands("```\n/claim\n```")).toEqual([]);
    expect(parseCommands("~~~ sh\n/claim\n~~~")).toEqual([]);
    expect(parseCommands("````md\n```\n/claim\n````")).toEqual([]);
    expect(parseCommands("~~~\n```\n/claim\n~~~\n/release")).toEqual([{ kind: "release" }]);
    expect(parseCommands("```\n/claim")).toEqual([]);
  });

  it("a /claim in an indented code block (4 spaces or a tab after a blank line) is not a command", () => {
    expect(parseCommands("Run this:\n\n    /claim\n")).toEqual([]);
    expect(parseCommands("Run this:\n\n\t/claim")).toEqual([]);
    expect(parseCommands("    /claim")).toEqual([]);
    expect(parseCommands("Run this:\n\n    echo\n\n    /claim\n\n/release")).toEqual([{ kind: "release" }]);
  });

  it("a /claim in inline code or in an HTML comment is not a command", () => {
    expect(parseCommands("`/claim`")).toEqual([]);
    expect(parseCommands("Type ``\n/claim\n`` to take it")).toEqual([]);
    expect(parseCommands("<!-- /claim -->")).toEqual([]);
    expect(parseCommands("<!--\n/claim\n-->\n/release")).toEqual([{ kind: "release" }]);
    expect(parseCommands("Note <!-- a\n/claim\n--> done")).toEqual([]);
  });

  it("a lone backtick or an unclosed comment start does not hide the commands after it", () => {
    expect(parseCommands("a ` b\n/claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("`x`\n\n/claim\n\n`y`")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("Thanks!\n  /claim")).toEqual([{ kind: "claim" }]);
  });

  it("ignores incomplete commands", () => {
    expect(parseCommands("/progress\n/submit not-a-url\n/claim now please")).toEqual([]);
  });
});

describe("issue references in pull requests", () => {
  it("understands Fixes #12, closes owner/repo#12 and issue URLs; only a keyword makes a reference closing", () => {
    const refs = parseIssueRefs(
      "Fixes #12\nThis also closes spiffe/spire#4455 and see https://github.com/apache/kafka/issues/77 for context. Resolved: #9\nresolves https://github.com/a/b/issues/5",
      "apache/kafka",
    );
    expect(refs).toEqual([
      { repo: "apache/kafka", number: 12, closes: true },
      { repo: "spiffe/spire", number: 4455, closes: true },
      { repo: "apache/kafka", number: 9, closes: true },
      { repo: "a/b", number: 5, closes: true },
      { repo: "apache/kafka", number: 77, closes: false },
    ]);
  });

  it("a keyword and a bare link to the same issue make one closing reference, in either order", () => {
    const link = "https://github.com/a/b/issues/3";
    expect(parseIssueRefs(`See ${link}. Fixes ${link}`, "x/y")).toEqual([{ repo: "a/b", number: 3, closes: true }]);
    expect(parseIssueRefs(`Fixes a/b#3, see ${link}`, "x/y")).toEqual([{ repo: "a/b", number: 3, closes: true }]);
  });

  it("does not treat a bare #12 or 'prefix' words as a reference", () => {
    expect(parseIssueRefs("See #12. Prefixes #3 are not keywords.", "a/b")).toEqual([]);
  });
});

describe("bots", () => {
  it("recognises bot accounts", () => {
    expect(isBot({ login: "dependabot[bot]", type: "Bot" })).toBe(true);
    expect(isBot({ login: "renovate[bot]" })).toBe(true);
    expect(isBot({ login: "octocat", type: "User" })).toBe(false);
  });
});

describe("edited comments", () => {
  it("an edit adds only the commands the old body did not hold", () => {
    expect(addedCommands("I would like this", "I would like this\n/claim")).toEqual([{ kind: "claim" }]);
    expect(addedCommands("/claim\nthanks", "/claim\nthanks!")).toEqual([]);
    expect(addedCommands("/progress drafted", "/progress drafted\n\n/progress drafted")).toEqual([{ kind: "progress", note: "drafted" }]);
    expect(addedCommands("/claim", "")).toEqual([]);
    expect(addedCommands("`/claim`", "/claim")).toEqual([{ kind: "claim" }]);
  });
});

describe("replies on GitHub", () => {
  it("says what happened, links the bounty, and carries a hidden marker of its key", () => {
    const until = Date.UTC(2026, 11, 14, 9);
    const body = formatReply([{ kind: "claimed", login: "octocat", until }], "https://clubzero.example/bounties/12", "comment:77");
    expect(body).toContain("Claimed by @octocat until 2026-12-14.");
    expect(body).toContain(" — https://clubzero.example/bounties/12");
    expect(body.endsWith(replyMarker("comment:77"))).toBe(true);
    expect(isClubZeroReply(body)).toBe(true);
    expect(isClubZeroReply("<!-- a note -->\n/claim")).toBe(false);
  });

  it("a reply is never read as a command, whatever it quotes", () => {
    const body = formatReply(
      [
        { kind: "refused", command: "claim", reason: "@bob has already claimed this bounty." },
        { kind: "not_a_bounty", command: "release" },
        { kind: "released", login: "a" },
      ],
      null,
      "comment:1",
    );
    expect(parseCommands(body)).toEqual([]);
    expect(body).toContain("`/claim` was not taken: @bob has already claimed this bounty.");
  });

  it("reads its recipient back", () => {
    expect(parseReplyRecipient("spiffe/spire#12")).toEqual({ repo: "spiffe/spire", number: 12 });
    expect(parseReplyRecipient("spiffe/spire#x")).toBeNull();
    expect(parseReplyRecipient("../x#1")).toBeNull();
  });
});

describe("commands read as GitHub renders the comment", () => {
  it("a command after a lone space and tab, or after a whitespace-only line, in an indented block is code", () => {
    expect(parseCommands("Run:\n\n \t/claim")).toEqual([]);
    expect(parseCommands("Run:\n   \n    /claim")).toEqual([]);
  });

  it("an indented line that continues a paragraph is read, and a byte-order mark does not hide the first line", () => {
    expect(parseCommands("Done for today:\n    /claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("\uFEFF/claim")).toEqual([{ kind: "claim" }]);
  });

  it("a fence closes only with a line of its own; text after a fence, or a backtick in a ``` info string, is not a fence", () => {
    expect(parseCommands("```\nx ```\n/claim\n```")).toEqual([]);
    expect(parseCommands("```\n``` not closing\n/claim\n```")).toEqual([]);
    expect(parseCommands("```\n```x\n/claim\n```")).toEqual([]);
    expect(parseCommands("x ~~~\n/claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("~ about\n/claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("```js`\n/claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("~~~ a`b\n/claim\n~~~")).toEqual([]);
  });

  it("after a fenced block or an HTML comment block, a 4-column line starts an indented code block", () => {
    expect(parseCommands("```\nx\n```\n    /claim")).toEqual([]);
    expect(parseCommands("<!--\n-->\n    /claim")).toEqual([]);
    expect(parseCommands("<!-- note -->\n    /claim")).toEqual([]);
  });

  it("an HTML comment block runs to the line holding -->, across blank lines; a one-line comment hides nothing after it", () => {
    expect(parseCommands("<!--\nnote\n/claim\n-->")).toEqual([]);
    expect(parseCommands("<!--\n\n/claim\n\n-->")).toEqual([]);
    expect(parseCommands("<!-- x -->\n/claim")).toEqual([{ kind: "claim" }]);
  });

  it("an inline comment hides the lines it spans, an unclosed one and a bare --> hide nothing, and inline code ends a command", () => {
    expect(parseCommands("Note <!--   \n/claim\n--> done")).toEqual([]);
    expect(parseCommands("Note <!-- x\n/claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("/claim\nsee a --> b")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("`x`/claim")).toEqual([]);
    expect(parseCommands("``code``\n/claim")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("`x`\n/claim\n`")).toEqual([{ kind: "claim" }]);
    expect(parseCommands("/progress moved the ` key")).toEqual([{ kind: "progress", note: "moved the ` key" }]);
  });

  it("a command must start its line, and /submit takes one http(s) address and nothing else", () => {
    expect(parseCommands("please /claim")).toEqual([]);
    expect(parseCommands("/claim https://github.com/a/b/pull/3")).toEqual([]);
    expect(parseCommands("/submit later, https://github.com/a/b/pull/3")).toEqual([]);
    expect(parseCommands("/submit https://github.com/a/b/pull/3 please")).toEqual([]);
    expect(parseCommands("/submit http://git.example.org/a/b/pull/3")).toEqual([{ kind: "submit", url: "http://git.example.org/a/b/pull/3" }]);
  });
});

describe("issue numbers and bot accounts", () => {
  it("issue #1 is a reference; #0 and numbers too large to be exact are not", () => {
    expect(parseIssueRefs("Fixes #1", "a/b")).toEqual([{ repo: "a/b", number: 1, closes: true }]);
    expect(parseIssueRefs("Fixes #0, closes #99999999999999999999", "a/b")).toEqual([]);
  });

  it("an account GitHub calls a Bot is a bot whatever its login", () => {
    expect(isBot({ login: "club-zero-app", type: "Bot" })).toBe(true);
  });
});

describe("every reply sentence", () => {
  const until = Date.UTC(2026, 11, 14, 9);
  it("tells each outcome in its own paragraph, the bounty's address after the last", () => {
    expect(
      formatReply(
        [
          { kind: "progress", login: "octocat", until },
          { kind: "submitted", login: "octocat" },
          { kind: "released", login: "octocat" },
        ],
        "https://club.test/bounties/3",
        "k",
      ),
    ).toBe(
      [
        "Progress noted: the claim by @octocat now runs until 2026-12-14.",
        "",
        "Submitted for review by @octocat: an SSC member or admin will confirm it.",
        "",
        "@octocat released the claim; the bounty is open again. — https://club.test/bounties/3",
        "",
        replyMarker("k"),
      ].join("\n"),
    );
  });

  it("says when a command was on an issue that is no bounty, or the claiming comment was deleted", () => {
    expect(formatReply([{ kind: "not_a_bounty", command: "claim" }], null, "k")).toBe(
      `\`/claim\` did nothing: this issue is not a Club Zero bounty. If it becomes one (a maintainer adds the \`club-zero\` label), comment again.\n\n${replyMarker("k")}`,
    );
    expect(formatReply([{ kind: "claim_comment_deleted", login: "bob" }], null, "k")).toBe(
      `The comment that claimed this for @bob was deleted, so the claim is released and the bounty is open again.\n\n${replyMarker("k")}`,
    );
  });

  it("writes and reads back the recipient, whole", () => {
    expect(formatReplyRecipient({ repo: "spiffe/spire", number: 12 })).toBe("spiffe/spire#12");
    expect(parseReplyRecipient("to spiffe/spire#12")).toBeNull();
    expect(parseReplyRecipient("spiffe/spire#12 now")).toBeNull();
  });
});
