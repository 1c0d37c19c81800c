import { hash } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "~/app/auth/password.server";

const PASSWORD = "correct horse battery staple";
// argon2id at parameters older than today's (m=19456,t=2,p=1): 4 MiB, 3 passes.
const weakHash = () => hash(PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 3, parallelism: 1 });

describe("checking a password against the stored hash", () => {
  it("today's hash with the right password matches and needs no rehash", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, PASSWORD)).toEqual({ ok: true, rehash: false });
  });

  it("today's hash with a wrong password does not match", async () => {
    expect(await verifyPassword(await hashPassword(PASSWORD), "correct horse battery stapler")).toEqual({ ok: false, rehash: false });
  });

  it("a hash made with weaker parameters matches the right password and asks to be rehashed", async () => {
    expect(await verifyPassword(await weakHash(), PASSWORD)).toEqual({ ok: true, rehash: true });
  });

  it("a weaker hash with a wrong password neither matches nor asks for a rehash", async () => {
    expect(await verifyPassword(await weakHash(), "not the password")).toEqual({ ok: false, rehash: false });
  });

  it("a stored value that is not an argon2 hash (corrupt row, plaintext import) lets nobody in", async () => {
    expect(await verifyPassword("correct horse battery staple", PASSWORD)).toEqual({ ok: false, rehash: false });
    expect(await verifyPassword("$argon2id$v=19$m=19456,t=2,p=1$truncated", PASSWORD)).toEqual({ ok: false, rehash: false });
  });

  it("with no stored hash (unknown user, GitHub-only account) no password matches, not even the timing dummy's", async () => {
    for (const guess of ["club-zero dummy password for timing", "", PASSWORD]) {
      expect(await verifyPassword(null, guess)).toEqual({ ok: false, rehash: false });
    }
  });
});
