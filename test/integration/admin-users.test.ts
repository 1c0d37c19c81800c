import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { listAudit } from "~/app/models/audit.server";
import { getUserById } from "~/app/models/users.server";
import { action, loader } from "~/app/routes/admin.users";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

describe("/admin/users", () => {
  it("an admin grants ssc; the audit record names actor, user, before, after and time", async () => {
    const admin = await makeUser(["admin"]);
    const bob = await makeUser();
    const before = Date.now();
    const res = await call(action, "/admin/users", {}, formInit(await cookieFor(admin.id), { intent: "grant", userId: String(bob.id), role: "ssc" }));
    expect(res.status).toBe(200);
    expect((await res.json()).done).toBe(`Granted ssc to @${bob.username}.`);
    expect(getUserById(db, bob.id)!.roles).toEqual(["contributor", "ssc"]);

    const [record] = listAudit(db, { entityType: "user", entityId: String(bob.id) });
    expect(record).toMatchObject({ actorUserId: admin.id, actorLabel: `@${admin.username}`, action: "role.granted", source: "web" });
    expect(JSON.parse(record!.beforeJson!)).toEqual({ roles: ["contributor"] });
    expect(JSON.parse(record!.afterJson!)).toEqual({ roles: ["contributor", "ssc"] });
    expect(record!.createdAt).toBeGreaterThanOrEqual(before);

    const page = await (await call(loader, "/admin/users", {}, { headers: { Cookie: await cookieFor(admin.id) } })).json();
    expect(page.audit[0].action).toBe("role.granted");
  });

  it("refuses an unknown role with 400 and changes nothing", async () => {
    const admin = await makeUser(["admin"]);
    const bob = await makeUser();
    const auditBefore = listAudit(db, { limit: 1000 }).length;
    const res = await call(action, "/admin/users", {}, formInit(await cookieFor(admin.id), { intent: "grant", userId: String(bob.id), role: "wizard" }));
    expect(res.status).toBe(400);
    expect(getUserById(db, bob.id)!.roles).toEqual(["contributor"]);
    expect(listAudit(db, { limit: 1000 })).toHaveLength(auditBefore);
  });

  it("answers 404 for a user that does not exist", async () => {
    const admin = await makeUser(["admin"]);
    const res = await call(action, "/admin/users", {}, formInit(await cookieFor(admin.id), { intent: "grant", userId: "999999", role: "ssc" }));
    expect(res.status).toBe(404);
  });

  it("an admin cannot disable their own account", async () => {
    const admin = await makeUser(["admin"]);
    const res = await call(action, "/admin/users", {}, formInit(await cookieFor(admin.id), { intent: "disable", userId: String(admin.id) }));
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe("You cannot disable your own account.");
  });

  it("the audit log cannot be edited or erased, even with raw SQL", async () => {
    await makeUser();
    expect(() => db.$client.prepare("update audit_log set action = 'forged'").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from audit_log").run()).toThrow(/append-only/);
  });
});
