// Its own file (own database): needs a world with exactly one admin.
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { webActor } from "~/app/models/audit.server";
import { Unprocessable } from "~/app/models/errors";
import { getUserById, setRole } from "~/app/models/users.server";
import { makeUser } from "../support/users";

describe("the last admin", () => {
  it("cannot lose the admin role, so Club Zero always has someone to manage it", async () => {
    const only = await makeUser(["admin"]);
    expect(() => setRole(db, webActor(only), only.id, "admin", false)).toThrow(Unprocessable);
    expect(getUserById(db, only.id)!.roles).toContain("admin");
    const second = await makeUser(["admin"]);
    setRole(db, webActor(second), only.id, "admin", false);
    expect(getUserById(db, only.id)!.roles).not.toContain("admin");
  });
});
