// The account model (app/models/users.server.ts) against this file's database: what is refused
// and in which words, what each change does to sessions and GitHub links, and its audit record.
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { cliActor, webPerson } from "~/app/models/audit.server";
import {
  createUser,
  freeUsername,
  getUserByGithubId,
  getUserByVerifiedGithub,
  linkGithub,
  listUsers,
  setDisabled,
  setPasswordHash,
  setRole,
  updateProfile,
} from "~/app/models/users.server";
import { refusal } from "../support/refusals";
import { cookieFor, makeUser } from "../support/users";

const sessionsOf = (userId: number) => (db.$client.prepare("select count(*) as n from sessions where user_id = ?").get(userId) as { n: number }).n;
const auditOf = (userId: number, action: string) =>
  db.$client
    .prepare(
      "select actor_label as actor, before_json as before, after_json as after from audit_log where entity_type = 'user' and entity_id = ? and action = ?",
    )
    .all(String(userId), action) as { actor: string; before: string | null; after: string | null }[];
/** A refusal's status and sentence; the database is unchanged by it. */
const refused = (act: () => unknown) => refusal(db.$client, act);
let n = 0;
const fresh = (extra: Partial<Parameters<typeof createUser>[2]> = {}) => {
  n += 1;
  return createUser(db, cliActor, { username: `acct${n}`, displayName: `Account ${n}`, email: `acct${n}@example.org`, passwordHash: null, ...extra });
};

describe("creating an account", () => {
  it("refuses a taken username (whatever its case), a verified address and a linked GitHub account, each in its own words, and creates nothing", () => {
    const first = fresh({ emailVerified: true, github: { id: 5_000_001, login: "first-gh" } });
    const count = () => listUsers(db).length;
    const before = count();
    expect(refused(() => fresh({ username: first.username.toUpperCase() }))).toEqual({
      status: 409,
      message: `The username "${first.username.toUpperCase()}" is taken.`,
    });
    expect(refused(() => fresh({ email: first.email.toUpperCase(), emailVerified: true }))).toEqual({
      status: 409,
      message: "An account with that email address already exists.",
    });
    expect(refused(() => fresh({ github: { id: 5_000_001, login: "renamed-gh" } }))).toEqual({
      status: 409,
      message: "That GitHub account is already linked to another user.",
    });
    expect(count()).toBe(before);
    // the same address unverified is another person's claim to it, not a conflict
    expect(fresh({ email: first.email }).email).toBe(first.email);
  });

  it("a GitHub sign-up's login wins over the same login typed, unverified, by someone else", () => {
    const typist = fresh();
    updateProfile(db, cliActor, typist.id, { displayName: typist.displayName, email: typist.email, githubLogin: "Real-Owner" });
    const owner = fresh({ github: { id: 5_000_002, login: "real-owner" } });
    expect(listUsers(db).find((u) => u.id === typist.id)!.githubLogin).toBeNull();
    expect(owner).toMatchObject({ githubLogin: "real-owner", githubVerified: true });
  });

  it("a username for a GitHub sign-up: lower case, dashes for the rest, 28 characters at most, and a number when taken", () => {
    expect(freeUsername(db, "--Octo Cat!--")).toBe("octo-cat");
    expect(freeUsername(db, "!!!")).toBe("user");
    expect(freeUsername(db, "a".repeat(40))).toBe("a".repeat(28));
    fresh({ username: "taken-name" });
    expect(freeUsername(db, "Taken-Name")).toBe("taken-name-1");
    fresh({ username: "taken-name-1" });
    expect(freeUsername(db, "taken-name")).toBe("taken-name-2");
  });
});

describe("GitHub links", () => {
  it("linking proves the login: it is verified, found by GitHub's id or its login in any case, taken from anyone who only typed it, and audited", () => {
    const user = fresh();
    const typist = fresh();
    updateProfile(db, cliActor, typist.id, { displayName: typist.displayName, email: typist.email, githubLogin: "linked-gh" });
    expect(getUserByVerifiedGithub(db, { login: "linked-gh" })).toBeNull(); // a typed login proves nothing
    linkGithub(db, webPerson(user), user.id, { id: 5_000_003, login: "Linked-GH" });
    expect(getUserByVerifiedGithub(db, { login: "linked-gh", id: 5_000_003 })).toMatchObject({ id: user.id, username: user.username, disabled: false });
    expect(getUserByVerifiedGithub(db, { login: "LINKED-gh" })).toMatchObject({ id: user.id });
    // the id decides: a login someone else now has on GitHub is not this account
    expect(getUserByVerifiedGithub(db, { login: "linked-gh", id: 5_999_999 })).toBeNull();
    expect(listUsers(db).find((u) => u.id === typist.id)!.githubLogin).toBeNull();
    expect(auditOf(user.id, "user.github_linked")).toEqual([
      {
        actor: `@${user.username}`,
        before: '{"githubLogin":null,"githubVerified":false}',
        after: '{"githubLogin":"Linked-GH","githubVerified":true}',
      },
    ]);
    // a disabled account is still found, and says so
    setDisabled(db, cliActor, user.id, true);
    expect(getUserByVerifiedGithub(db, { login: "linked-gh", id: 5_000_003 })).toMatchObject({ id: user.id, disabled: true });
  });

  it("a GitHub account linked to someone else is refused, and the other account keeps it", () => {
    const owner = fresh({ github: { id: 5_000_004, login: "owner-gh" } });
    const other = fresh();
    expect(refused(() => linkGithub(db, cliActor, other.id, { id: 5_000_004, login: "owner-gh" }))).toEqual({
      status: 409,
      message: "That GitHub account is already linked to another Club Zero user.",
    });
    expect(getUserByVerifiedGithub(db, { login: "owner-gh", id: 5_000_004 })).toMatchObject({ id: owner.id });
    expect(getUserByGithubId(db, 5_000_004)?.id).toBe(owner.id);
    expect(getUserByGithubId(db, 5_999_998)).toBeNull();
    // linking your own account again is fine
    expect(linkGithub(db, cliActor, owner.id, { id: 5_000_004, login: "owner-gh" })).toMatchObject({ githubVerified: true });
  });
});

describe("roles, disabling and passwords", () => {
  it("a role granted or revoked ends the person's sessions and is audited with the roles before and after; asking for what is already so changes nothing", async () => {
    const user = await makeUser();
    await cookieFor(user.id);
    setRole(db, cliActor, user.id, "ssc", true);
    expect(sessionsOf(user.id)).toBe(0);
    await cookieFor(user.id);
    setRole(db, cliActor, user.id, "ssc", true); // already held
    expect(sessionsOf(user.id)).toBe(1);
    setRole(db, cliActor, user.id, "ssc", false);
    setRole(db, cliActor, user.id, "packager", false); // never held
    expect(sessionsOf(user.id)).toBe(0);
    expect(auditOf(user.id, "role.granted")).toEqual([{ actor: "cli", before: '{"roles":["contributor"]}', after: '{"roles":["contributor","ssc"]}' }]);
    expect(auditOf(user.id, "role.revoked")).toEqual([{ actor: "cli", before: '{"roles":["contributor","ssc"]}', after: '{"roles":["contributor"]}' }]);
  });

  it("disabling ends every session and is audited; enabling again is too; a second disable changes nothing", async () => {
    const user = await makeUser();
    await cookieFor(user.id);
    await cookieFor(user.id);
    setDisabled(db, cliActor, user.id, true);
    expect(sessionsOf(user.id)).toBe(0);
    setDisabled(db, cliActor, user.id, true);
    await cookieFor(user.id);
    setDisabled(db, cliActor, user.id, false);
    expect(sessionsOf(user.id)).toBe(1);
    expect(listUsers(db).find((u) => u.id === user.id)!.disabled).toBe(false);
    expect(auditOf(user.id, "user.disabled")).toEqual([{ actor: "cli", before: '{"disabled":false}', after: '{"disabled":true}' }]);
    expect(auditOf(user.id, "user.enabled")).toEqual([{ actor: "cli", before: '{"disabled":true}', after: '{"disabled":false}' }]);
  });

  it("the last active admin can be neither disabled nor stripped of the role, by anyone; with a second admin both can", async () => {
    const admins = listUsers(db).filter((u) => u.roles.includes("admin") && !u.disabled);
    for (const a of admins) setDisabled(db, cliActor, a.id, true);
    try {
      const last = await makeUser(["admin"]);
      expect(refused(() => setDisabled(db, cliActor, last.id, true))).toEqual({ status: 422, message: "That would leave Club Zero without an active admin." });
      expect(refused(() => setRole(db, cliActor, last.id, "admin", false))).toEqual({
        status: 422,
        message: "That would leave Club Zero without an active admin; grant admin to someone else first.",
      });
      expect(listUsers(db).find((u) => u.id === last.id)).toMatchObject({ disabled: false, roles: ["contributor", "admin"] });
      const second = await makeUser(["admin"]);
      setRole(db, cliActor, last.id, "admin", false);
      expect(refused(() => setDisabled(db, cliActor, second.id, true))).toMatchObject({ status: 422 });
    } finally {
      for (const a of admins) setDisabled(db, cliActor, a.id, false);
    }
  });

  it("a new password ends every session and is audited", async () => {
    const user = await makeUser();
    await cookieFor(user.id);
    setPasswordHash(db, webPerson(user), user.id, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA");
    expect(sessionsOf(user.id)).toBe(0);
    expect(auditOf(user.id, "user.password_changed")).toEqual([{ actor: `@${user.username}`, before: null, after: null }]);
  });
});

describe("the profile", () => {
  it("a new address is unverified and gets a link; the same address (in any case) stays verified; the audit says which", async () => {
    const user = await makeUser();
    const links = () =>
      (db.$client.prepare("select count(*) as n from outbox where recipient = ?").get(`changed-${user.username}@example.org`) as { n: number }).n;
    updateProfile(db, cliActor, user.id, { displayName: "Same Address", email: user.email.toUpperCase(), githubLogin: null });
    expect(listUsers(db).find((u) => u.id === user.id)).toMatchObject({ displayName: "Same Address", emailVerified: true });
    updateProfile(db, cliActor, user.id, { displayName: "New Address", email: `changed-${user.username}@example.org`, githubLogin: null });
    expect(listUsers(db).find((u) => u.id === user.id)).toMatchObject({ email: `changed-${user.username}@example.org`, emailVerified: false });
    expect(links()).toBe(1);
    const [same, changed] = auditOf(user.id, "user.profile_updated").map((r) => [JSON.parse(r.before!), JSON.parse(r.after!)]);
    expect(same).toEqual([expect.objectContaining({ emailVerified: true }), expect.objectContaining({ displayName: "Same Address", emailVerified: true })]);
    expect(changed).toEqual([
      expect.objectContaining({ email: user.email, emailVerified: true }),
      expect.objectContaining({ email: `changed-${user.username}@example.org`, emailVerified: false }),
    ]);
  });

  it("the proven GitHub login stays proven when typed again in another case; another login is only typed, and the proven id is forgotten", () => {
    const user = fresh({ github: { id: 5_000_005, login: "Proven-GH" } });
    const profile = (githubLogin: string | null) => updateProfile(db, cliActor, user.id, { displayName: user.displayName, email: user.email, githubLogin });
    expect(profile(" proven-gh ")).toMatchObject({ githubLogin: "Proven-GH", githubVerified: true });
    expect(getUserByVerifiedGithub(db, { login: "x", id: 5_000_005 })).toMatchObject({ id: user.id });
    expect(profile("someone-else")).toMatchObject({ githubLogin: "someone-else", githubVerified: false });
    expect(getUserByVerifiedGithub(db, { login: "proven-gh", id: 5_000_005 })).toBeNull();
    expect(profile("  ")).toMatchObject({ githubLogin: null, githubVerified: false });
  });

  it("an address verified on another account may be typed here: it stays unverified here and the owner keeps it", () => {
    const owner = fresh({ emailVerified: true });
    const other = fresh();
    expect(() => updateProfile(db, cliActor, other.id, { displayName: other.displayName, email: owner.email, githubLogin: null })).not.toThrow();
    expect(listUsers(db).find((u) => u.id === other.id)).toMatchObject({ email: owner.email, emailVerified: false });
    expect(listUsers(db).find((u) => u.id === owner.id)).toMatchObject({ email: owner.email, emailVerified: true });
  });
});
