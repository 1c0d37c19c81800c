// npm run db:seed — migrates, then loads the catalog seed. Safe to run again.
import { db } from "../../app/db.server";
import { runMigrations } from "../migrate";
import { seedCatalog } from "../seed";

runMigrations(db);
const report = seedCatalog(db);
console.log(
  `Seed applied: ${report.personas} personas written, ${report.targets} new targets, ` +
    `${report.issues} new GitHub items, ${report.links} new links, ${report.bounties} new bounties, ${report.software} new software, ${report.packages} new packages.`,
);
