import { describe, expect, it } from "vitest";
import { formatReply, isClubZeroReply, parseReplyRecipient, replyMarker } from "~/app/lib/github-replies";
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
