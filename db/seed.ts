import { and, count, eq } from "drizzle-orm";
import { descriptionColumns, insertBountyEvent, systemActor } from "../app/models/bounties.server";
import { seedTutorial } from "../app/models/tutorials.server";
import { recountTargetIssues } from "./issue-counts";
import * as schema from "./schema";
import packageSeed from "./seed/packages.json";
import personaRows from "./seed/personas.json";
import integrationTargets from "./seed/targets.json";
import tutorialSeed from "./seed/tutorials.json";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";

/** Integration targets, then SPIFFE's own projects (the software distributions package). */
const targetRows = [...integrationTargets, ...packageSeed.targets.map((t) => ({ ...t, issues: [] as (typeof integrationTargets)[number]["issues"] }))];

type SeedDb = BetterSQLite3Database<typeof schema>;

export type SeedTarget = (typeof targetRows)[number];

export interface SeedReport {
  personas: number;
  targets: number;
  issues: number;
  links: number;
  bounties: number;
  software: number;
  packages: number;
  tutorials: number;
}

/** Starter bounties, one per target that most needs it, keyed so a re-seed adds none twice. */
function starterBounty(t: SeedTarget): { key: string; title: string; description: string; kind: schema.BountyKind; personas: schema.PersonaSlug[] } | null {
  if (t.status === "none") {
    return {
      key: `propose-upstream:${t.slug}`,
      title: `Propose SPIFFE support upstream in ${t.name}`,
      description:
        `${t.name} has no SPIFFE support and nobody has asked for it upstream yet.\n\n` +
        `Open an issue or discussion in ${t.repo ? `[${t.repo}](https://github.com/${t.repo})` : "the project"} that explains the use case: ` +
        "which identities the workloads need, how SVIDs from the Workload API would be used, and what other projects already do. " +
        "Link it here as your progress; the bounty is done when the maintainers have an issue they can discuss.",
      kind: "advocacy",
      personas: ["developer", "end-user", "influencer"],
    };
  }
  if (t.status === "native") {
    return {
      key: `tutorial:${t.slug}`,
      title: `Write a tutorial: ${t.name} with SPIRE`,
      description:
        `${t.name} already speaks SPIFFE, but people still need a path from zero to a working setup.\n\n` +
        "Write a step-by-step tutorial that runs SPIRE, registers the workloads, and shows the integration working, " +
        "with the configuration files in full. Submit a link to the published tutorial (a docs PR or a blog post).",
      kind: "tutorial",
      personas: ["documenter", "end-user"],
    };
  }
  return null;
}

/**
 * Loads the catalog seed (db/seed/*.json). Idempotent: natural keys (persona slug,
 * target slug, repo + number) decide what already exists, and existing targets keep
 * any edits made since. Returns how many rows were newly inserted.
 */
export function seedCatalog(db: SeedDb): SeedReport {
  const report: SeedReport = { personas: 0, targets: 0, issues: 0, links: 0, bounties: 0, software: 0, packages: 0, tutorials: 0 };
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
        const target = tx.select({ id: schema.targets.id }).from(schema.targets).where(eq(schema.targets.slug, t.slug)).get();
        if (!target) throw new Error(`seed: target ${t.slug} vanished`);

        if (inserted.changes > 0) {
          t.personas.forEach((personaSlug, rank) => {
            tx.insert(schema.targetPersonas).values({ targetId: target.id, personaSlug, rank }).onConflictDoNothing().run();
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
            .where(and(eq(schema.githubIssues.repo, issue.repo), eq(schema.githubIssues.number, issue.number)))
            .get();
          if (!row) throw new Error(`seed: issue ${issue.url} vanished`);
          report.links += tx.insert(schema.targetIssues).values({ targetId: target.id, issueId: row.id, source: "seed" }).onConflictDoNothing().run().changes;
        }

        const starter = starterBounty(t);
        if (starter) {
          const now = Date.now();
          const bounty = tx
            .insert(schema.bounties)
            .values({
              targetId: target.id,
              title: starter.title,
              ...descriptionColumns(starter.description),
              kind: starter.kind,
              status: "open",
              seedKey: starter.key,
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing()
            .returning({ id: schema.bounties.id })
            .get();
          if (bounty) {
            report.bounties += 1;
            for (const personaSlug of starter.personas) {
              tx.insert(schema.bountyPersonas).values({ bountyId: bounty.id, personaSlug }).run();
            }
            insertBountyEvent(tx, bounty.id, systemActor, { type: "created", note: "Seeded as a starter bounty." }, now);
          }
        }
      }

      const now = Date.now();
      for (const sw of packageSeed.software) {
        const target = tx.select({ id: schema.targets.id }).from(schema.targets).where(eq(schema.targets.slug, sw.target)).get();
        if (!target) throw new Error(`seed: software ${sw.slug} names unknown target ${sw.target}`);
        report.software += tx
          .insert(schema.software)
          .values({
            slug: sw.slug,
            name: sw.name,
            repo: sw.repo,
            targetId: target.id,
            latestVersion: sw.latestVersion,
            latestVersionAt: sw.latestVersion ? now : null,
            repologyName: sw.repologyName,
            chartName: sw.chartName,
            imageName: sw.imageName,
            createdAt: now,
          })
          .onConflictDoNothing()
          .run().changes;
      }
      for (const p of packageSeed.packages) {
        const sw = tx.select({ id: schema.software.id }).from(schema.software).where(eq(schema.software.slug, p.software)).get();
        if (!sw) throw new Error(`seed: package names unknown software ${p.software}`);
        report.packages += tx
          .insert(schema.packages)
          .values({
            softwareId: sw.id,
            distro: p.distro as schema.DistributionSlug, // checked by the CHECK constraint
            release: p.release,
            packageName: p.packageName,
            version: p.version,
            url: p.url,
            notes: p.notes || null,
            origin: "origin" in p && p.origin === "third-party" ? "third-party" : "distribution",
            maintainerName: p.maintainer,
            seedKey: `${p.software}:${p.distro}:${p.release}:${p.packageName}`,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .run().changes;
      }
      // Short tutorials for targets that work with SPIFFE today, published as written. Keyed,
      // so a tutorial edited in the app is never written over.
      for (const t of tutorialSeed) {
        const { key, creditLine, targets: targetSlugs, personas, title, summary, body } = t;
        const added = seedTutorial(tx, { key, creditLine, targetSlugs, personas: personas as schema.PersonaSlug[], title, summary, body }, systemActor, now);
        if (added) report.tutorials += 1;
      }
      recountTargetIssues(tx);
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

/**
 * A believable demo history for the fund, clearly marked as demo data: a few donations,
 * one reimbursement approved and paid, one waiting for votes. Runs once (keyed by the
 * first donation's reference). The demo people have no password and cannot sign in.
 */
export function seedDemoFund(db: SeedDb, currency: string): boolean {
  return db.transaction(
    (tx) => {
      const marker = tx.select({ id: schema.ledgerEntries.id }).from(schema.ledgerEntries).where(eq(schema.ledgerEntries.reference, "DEMO-LFX-0001")).get();
      if (marker) return false;
      const now = Date.now();
      const person = (username: string, displayName: string, role?: schema.GrantableRole) => {
        const existing = tx.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.username, username)).get();
        if (existing) return existing.id;
        const row = tx
          .insert(schema.users)
          .values({ username, displayName, email: `${username}@demo.club-zero.invalid`, passwordHash: null, createdAt: now })
          .returning({ id: schema.users.id })
          .get();
        if (role) tx.insert(schema.userRoles).values({ userId: row.id, role, grantedAt: now }).run();
        return row.id;
      };
      const speaker = person("demo-speaker", "Demo Speaker (demo data)");
      const ssc1 = person("demo-ssc-one", "Demo SSC member one (demo data)", "ssc");
      const ssc2 = person("demo-ssc-two", "Demo SSC member two (demo data)", "ssc");
      const donation = (occurredOn: string, donor: string | null, amountCents: number, reference: string) =>
        tx
          .insert(schema.ledgerEntries)
          .values({ kind: "donation", amountCents, currency, occurredOn, donor, reference, memo: "demo data", demo: true, createdAt: now })
          .run();
      donation("2025-06-02", "Demo Org (demo data)", 500000, "DEMO-LFX-0001");
      donation("2025-09-15", null, 2500, "DEMO-LFX-0002");
      donation("2026-02-10", "Demo Individual (demo data)", 10000, "DEMO-LFX-0003");
      const kafka = tx.select({ id: schema.targets.id }).from(schema.targets).where(eq(schema.targets.slug, "kafka")).get();
      const paid = tx
        .insert(schema.expenses)
        .values({
          requesterUserId: speaker,
          kind: "reimbursement",
          title: "Travel to a SPIFFE talk (demo data)",
          event: "Demo Conference 2026",
          category: "travel",
          amountCents: 84250,
          currency,
          spentOn: "2026-03-20",
          description: "Demo data: train and two nights for a talk on SPIFFE for Kafka.",
          targetId: kafka?.id ?? null,
          publicRequester: true,
          status: "paid",
          paymentReference: "DEMO-EXPENSIFY-7",
          paidOn: "2026-04-02",
          demo: true,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: schema.expenses.id })
        .get();
      for (const voter of [ssc1, ssc2])
        tx.insert(schema.expenseVotes).values({ expenseId: paid.id, round: 1, voterUserId: voter, vote: "approve", createdAt: now }).run();
      tx.insert(schema.ledgerEntries)
        .values({
          kind: "reimbursement",
          amountCents: -84250,
          currency,
          occurredOn: "2026-04-02",
          reference: "DEMO-EXPENSIFY-7",
          expenseId: paid.id,
          memo: "demo data",
          demo: true,
          createdAt: now,
        })
        .run();
      const waiting = tx
        .insert(schema.expenses)
        .values({
          requesterUserId: speaker,
          kind: "pre_approval",
          title: "Booth staffing at a meetup (demo data)",
          event: "Demo Meetup 2026",
          category: "registration",
          amountCents: 15000,
          currency,
          spentOn: "2026-12-05",
          description: "Demo data: registration for two people staffing a SPIFFE table.",
          status: "submitted",
          demo: true,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: schema.expenses.id })
        .get();
      tx.insert(schema.expenseVotes).values({ expenseId: waiting.id, round: 1, voterUserId: ssc1, vote: "approve", createdAt: now }).run();
      return true;
    },
    { behavior: "immediate" },
  );
}
