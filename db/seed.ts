import { and, count, eq } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema";
import personaRows from "./seed/personas.json";
import targetRows from "./seed/targets.json";

type SeedDb = BetterSQLite3Database<typeof schema>;

export type SeedTarget = (typeof targetRows)[number];

export interface SeedReport {
  personas: number;
  targets: number;
  issues: number;
  links: number;
}

/**
 * Loads the catalog seed (db/seed/*.json). Idempotent: natural keys (persona slug,
 * target slug, repo + number) decide what already exists, and existing targets keep
 * any edits made since. Returns how many rows were newly inserted.
 */
export function seedCatalog(db: SeedDb): SeedReport {
  const report: SeedReport = { personas: 0, targets: 0, issues: 0, links: 0 };
  db.transaction(
    (tx) => {
      personaRows.forEach((p, position) => {
        const { changes } = tx
          .insert(schema.personas)
          .values({ slug: p.slug, name: p.name, helpText: p.helpText, position })
          .onConflictDoUpdate({
            target: schema.personas.slug,
            set: { name: p.name, helpText: p.helpText, position },
          })
          .run();
        report.personas += changes;
      });

      for (const t of targetRows) {
        const inserted = tx
          .insert(schema.targets)
          .values({
            slug: t.slug,
            name: t.name,
            category: t.category,
            status: t.status as schema.TargetStatus, // checked by parse in the seed test and by the CHECK constraint
            summary: t.summary,
            repo: t.repo,
            homepage: t.homepage,
          })
          .onConflictDoNothing()
          .run();
        report.targets += inserted.changes;
        const target = tx
          .select({ id: schema.targets.id })
          .from(schema.targets)
          .where(eq(schema.targets.slug, t.slug))
          .get();
        if (!target) throw new Error(`seed: target ${t.slug} vanished`);

        if (inserted.changes > 0) {
          t.personas.forEach((personaSlug, rank) => {
            tx.insert(schema.targetPersonas)
              .values({ targetId: target.id, personaSlug, rank })
              .onConflictDoNothing()
              .run();
          });
        }

        for (const issue of t.issues) {
          report.issues += tx
            .insert(schema.githubIssues)
            .values({
              repo: issue.repo,
              number: issue.number,
              kind: issue.kind as "issue" | "pull", // same: validated by CHECK
              title: issue.title,
              state: issue.state as "open" | "closed" | "merged",
              url: issue.url,
            })
            .onConflictDoNothing()
            .run().changes;
          const row = tx
            .select({ id: schema.githubIssues.id })
            .from(schema.githubIssues)
            .where(
              and(
                eq(schema.githubIssues.repo, issue.repo),
                eq(schema.githubIssues.number, issue.number),
              ),
            )
            .get();
          if (!row) throw new Error(`seed: issue ${issue.url} vanished`);
          report.links += tx
            .insert(schema.targetIssues)
            .values({ targetId: target.id, issueId: row.id, source: "seed" })
            .onConflictDoNothing()
            .run().changes;
        }
      }
    },
    { behavior: "immediate" },
  );
  return report;
}

/** Seeds a database that has no targets yet (first start); otherwise leaves it alone. */
export function seedIfEmpty(db: SeedDb): SeedReport | null {
  const row = db.select({ n: count() }).from(schema.targets).get();
  if ((row?.n ?? 0) > 0) return null;
  return seedCatalog(db);
}
