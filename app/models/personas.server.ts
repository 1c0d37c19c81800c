import { asc, eq } from "drizzle-orm";
import { personas } from "~/db/schema";
import type { Db } from "../db.server";

export type Persona = typeof personas.$inferSelect;

/** All personas in their display order. */
export function listPersonas(db: Db): Persona[] {
  return db.select().from(personas).orderBy(asc(personas.position)).all();
}

/** The persona with this slug, or null. */
export function getPersona(db: Db, slug: string): Persona | null {
  return db.select().from(personas).where(eq(personas.slug, slug)).get() ?? null;
}
