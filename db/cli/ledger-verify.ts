// npm run ledger:verify — integrity_check, foreign keys and the ledger's invariants.
// Exits 1 and lists every finding; 0 when all is well.
import { db } from "~/app/db.server";
import { verifyLedger } from "~/app/models/ledger.server";

const findings = verifyLedger(db);
for (const f of findings) console.error(`${f.check}: ${f.detail}`);
if (findings.length > 0) {
  console.error(`${findings.length} finding(s).`);
  process.exit(1);
}
console.log("Ledger verified: integrity ok, foreign keys ok, append-only triggers present, every paid expense has exactly one payment.");
