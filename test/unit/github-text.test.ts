import { describe, expect, it } from "vitest";
import { isBot, parseCommands, parseIssueRefs } from "~/app/lib/github-text";

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
  it("understands Fixes #12, closes owner/repo#12 and issue URLs", () => {
    const refs = parseIssueRefs(
      "Fixes #12\nThis also closes spiffe/spire#4455 and see https://github.com/apache/kafka/issues/77 for context. Resolved: #9",
      "apache/kafka",
    );
    expect(refs).toEqual([
      { repo: "apache/kafka", number: 12 },
      { repo: "spiffe/spire", number: 4455 },
      { repo: "apache/kafka", number: 9 },
      { repo: "apache/kafka", number: 77 },
    ]);
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
