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
