// npm run db:migrate — applies committed migrations to DATABASE_PATH.
import { db } from "~/app/db.server";
import { runMigrations } from "../migrate";

runMigrations(db);
console.log("Migrations applied.");
