import { eq } from "drizzle-orm";
import { sessions } from "~/db/schema";
import type { Db, Tx } from "~/app/db.server";

/** Ends every session of a user (role change, disabling, new password, password reset). */
export function endAllSessions(tx: Tx | Db, userId: number) {
  tx.delete(sessions).where(eq(sessions.userId, userId)).run();
}
