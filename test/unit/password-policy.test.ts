import { describe, expect, it } from "vitest";
import { checkPassword } from "~/app/lib/password-policy.server";
import { JoinSchema, Username } from "~/app/schemas/account";

describe("password policy", () => {
  it.each([
    ["7 characters", "abcdefg", "at least 8"],
    ["257 characters", "x".repeat(257), "at most 256"],
    ["password123", "password123", "most common"],
    ["Password123 in another case", "PASSWORD123", "most common"],
    ["iloveyou1", "iloveyou1", "most common"],
  ])("refuses %s", (_name, password, reason) => {
    expect(checkPassword(password)).toContain(reason);
  });

  it.each([
    ["8 characters", "tr7!xq#z"],
    ["a 64-character passphrase", "correct horse battery staple and then some more words to reach 64"],
    ["a 200-character passphrase", "p".repeat(100) + "q".repeat(100)],
    ["256 characters", "y".repeat(256)],
    ["an emoji passphrase", "🔐🦊 spiffe all the things 🚀"],
  ])("accepts %s, with no composition rules", (_name, password) => {
    expect(checkPassword(password)).toBeNull();
  });

  it("counts an emoji as one character, not two UTF-16 units", () => {
    expect(checkPassword("🔐🔐🔐🔐🔐🔐🔐")).toContain("at least 8");
    expect(checkPassword("🔐🔐🔐🔐🔐🔐🔐🔐")).toBeNull();
  });

  it("keeps the password exactly as typed (no trimming)", () => {
    const parsed = JoinSchema.parse({ username: "alice", displayName: "Alice", email: "a@example.org", password: "  spaced passphrase  " });
    expect(parsed.password).toBe("  spaced passphrase  ");
  });
});

describe("username rules", () => {
  it.each(["alice", "a-b-c", "kfox1111", "abc"])("accepts %s", (u) => expect(Username.safeParse(u).success).toBe(true));
  it.each(["ab", "1abc", "-abc", "abc-", "a--b", "a_b", "a".repeat(33), "admin", "has space"])("refuses %s", (u) =>
    expect(Username.safeParse(u).success).toBe(false),
  );
  it("stores usernames in lowercase", () => expect(Username.parse("Alice")).toBe("alice"));
});
