// Keys the app makes for itself on first use (32 random bytes) and keeps in `app_keys`, so
// every process sharing the database signs alike and a restart keeps old links working.
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { appKeys } from "~/db/schema";
import type { Db, Tx } from "~/app/db.server";

export type AppKeyName = "unsubscribe" | "email_tokens";

// A process has one database, so each key is read once.
const cache = new Map<AppKeyName, Buffer>();

/** The key called `name`, made on first use (a concurrent first use keeps whichever row won). */
export function getAppKey(tx: Tx | Db, name: AppKeyName): Buffer {
  const cached = cache.get(name);
  if (cached) return cached;
  tx.insert(appKeys)
    .values({ name, value: crypto.randomBytes(32).toString("hex"), createdAt: Date.now() })
    .onConflictDoNothing()
    .run();
  const key = Buffer.from(tx.select({ value: appKeys.value }).from(appKeys).where(eq(appKeys.name, name)).get()!.value, "hex");
  cache.set(name, key);
  return key;
}
