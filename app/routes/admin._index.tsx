import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { db } from "../db.server";
import { webhooksConfigured } from "../github/verify.server";
import { formatRelative } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { getWebhookHealth } from "../models/github.server";

export const meta: MetaFunction = () => pageMeta("Admin · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return json({ configured: webhooksConfigured, health: getWebhookHealth(db), now: Date.now() });
}

export default function AdminHome() {
  const { configured, health, now } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Admin</h1>
      </header>
      <p className={`alert ${health.failures24h > 0 || !configured ? "alert--error" : "alert--ok"}`} role="status">
        GitHub webhooks: {configured ? "configured" : "not configured (set GITHUB_WEBHOOK_SECRET)"}. Last delivery{" "}
        {health.lastDeliveryAt ? formatRelative(health.lastDeliveryAt, now) : "never"}; {health.failures24h} failed in the last 24 hours.
      </p>
      <ul className="target-list">
        <li className="card">
          <Link to="/admin/users">Users and roles</Link> — grant roles, disable accounts, see the audit trail.
        </li>
        <li className="card">
          <Link to="/admin/webhooks">Webhook deliveries</Link> — every delivery, its payload and outcome; replay one.
        </li>
        <li className="card">
          <Link to="/bounties/proposals">Bounty proposals</Link> — accept or decline work the community suggested.
        </li>
      </ul>
    </>
  );
}
