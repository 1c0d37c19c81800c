import { desc, eq, and } from "drizzle-orm";
import { placeholders, preparedPerDatabase } from "~/db/prepared";
import { auditLog, type AUDIT_SOURCES, type Role } from "~/db/schema";
import { type Db, type Tx } from "../db.server";

export interface Actor {
  userId: number | null;
  /** "@alice", "cli", "github:octocat" */
  label: string;
  source: (typeof AUDIT_SOURCES)[number];
}

export function webActor(user: { id: number; username: string }): Actor {
  return { userId: user.id, label: `@${user.username}`, source: "web" };
}

/** A signed-in person acting through the web, with the roles rules depend on. */
export function webPerson(user: { id: number; username: string; roles: Role[] }): Actor & { roles: Role[] } {
  return { userId: user.id, label: `@${user.username}`, source: "web", roles: user.roles };
}

export const cliActor: Actor = { userId: null, label: "cli", source: "cli" };

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit record. Call it inside the transaction that makes the change. */
const insertAudit = preparedPerDatabase((db: Db | Tx) =>
  db
    .insert(auditLog)
    .values(placeholders(["actorUserId", "actorLabel", "action", "entityType", "entityId", "beforeJson", "afterJson", "source", "createdAt"]))
    .prepare(),
);

export function recordAudit(tx: Tx | Db, actor: Actor, input: AuditInput, now = Date.now()) {
  insertAudit(tx).run({
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: input.action,
    entityType: input.entityType,
    entityId: String(input.entityId),
    beforeJson: input.before === undefined ? null : JSON.stringify(input.before),
    afterJson: input.after === undefined ? null : JSON.stringify(input.after),
    source: actor.source,
    createdAt: now,
  });
}

export type AuditRecord = typeof auditLog.$inferSelect;

/** Newest first; optionally for one entity. */
export function listAudit(db: Db, opts: { entityType?: string; entityId?: string; limit?: number } = {}): AuditRecord[] {
  const where =
    opts.entityType && opts.entityId
      ? and(eq(auditLog.entityType, opts.entityType), eq(auditLog.entityId, opts.entityId))
      : opts.entityType
        ? eq(auditLog.entityType, opts.entityType)
        : undefined;
  return db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(opts.limit ?? 50)
    .all();
}
