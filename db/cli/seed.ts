// npm run db:seed — migrates, then loads the catalog seed. Safe to run again.
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { runMigrations } from "../migrate";
import { seedCatalog, seedDemoFund } from "../seed";

runMigrations(db);
const report = seedCatalog(db);
console.log(
  `Seed applied: ${report.personas} personas written, ${report.targets} new targets, ` +
    `${report.issues} new GitHub items, ${report.links} new links, ${report.bounties} new bounties, ${report.software} new software, ${report.packages} new packages.`,
);
if (env.SEED_DEMO === "1" && seedDemoFund(db, env.FUND_CURRENCY))
  console.log("Demo fund history added (SEED_DEMO=1): every page shows a demo banner while it is there.");
