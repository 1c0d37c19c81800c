// npm run packages:sync — reads package versions from every source now (GitHub releases,
// Repology, the Helm repository, the OCI registry), whatever their backoff. Exit code 1 when
// a source failed (its last data stays; /admin shows the error).
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { sourceSettingsFrom, syncPackages } from "~/app/packages/sync.server";
import { runMigrations } from "../migrate";

runMigrations(db);
const reports = await syncPackages(db, sourceSettingsFrom(env));
let failed = false;
for (const r of reports) {
  const line = `${r.source}: ${r.requests} requests (${r.unchanged} unchanged), ${r.changed} changed`;
  if (r.errors.length > 0) {
    failed = true;
    console.warn(`${line}; errors: ${r.errors.join(" ")}`);
  } else console.log(line);
}
process.exit(failed ? 1 : 0);
