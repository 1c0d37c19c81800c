import { json } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { db } from "../db.server";

export function loader() {
  try {
    db.get(sql`select 1`);
    return json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    console.error("healthz: database check failed", error);
    return json({ status: "error", database: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
