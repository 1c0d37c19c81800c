import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { ActionResult } from "../components/form";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { describeChanges } from "../lib/audit-changes";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors, badRequest } from "../lib/responses";
import { GRANTABLE_ROLES } from "../lib/vocabulary";
import { listAudit, webActor } from "../models/audit.server";
import { listUsers, setDisabled, setRole } from "../models/users.server";
import { RoleChangeSchema, UserIdSchema } from "../schemas/account";
import { parseForm, readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("Users · Admin · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, "admin");
  return json({ me: admin.id, users: listUsers(db), audit: listAudit(db, { entityType: "user", limit: 30 }) });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await readForm(request);
  const intent = form.get("intent");
  const actor = webActor(admin);
  return answerDomainErrors(() => {
    if (intent === "grant" || intent === "revoke") {
      const parsed = parseForm(RoleChangeSchema, form);
      if (!parsed.ok) return json({ error: Object.values(parsed.fieldErrors)[0] ?? "Invalid role change." }, { status: 400 });
      const user = setRole(db, actor, parsed.data.userId, parsed.data.role, intent === "grant");
      return json({
        error: null,
        done: `${intent === "grant" ? "Granted" : "Revoked"} ${parsed.data.role} ${intent === "grant" ? "to" : "from"} @${user.username}.`,
      });
    }
    if (intent === "disable" || intent === "enable") {
      const parsed = parseForm(UserIdSchema, form);
      if (!parsed.ok) return json({ error: "Invalid user." }, { status: 400 });
      const user = setDisabled(db, actor, parsed.data.userId, intent === "disable");
      return json({ error: null, done: `@${user.username} is ${intent === "disable" ? "disabled" : "enabled"}.` });
    }
    throw badRequest(`Unknown intent "${String(intent)}".`);
  });
}

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default function AdminUsers() {
  const { me, users, audit } = useLoaderData<typeof loader>();
  const usernames = new Map(users.map((u) => [String(u.id), u.username]));
  const data = useActionData<{ error?: string | null; done?: string; message?: string }>();
  return (
    <>
      <header className="page-header">
        <h1>Users and roles</h1>
        <p className="lede">Grant packager, SSC and admin roles. Every change ends the user's sessions and is recorded below.</p>
      </header>
      <ActionResult result={data?.done ? { ok: true, message: data.done } : { ok: false, message: data?.error ?? data?.message }} />
      <ScrollTable label="Users and roles">
        <table className="table">
          <caption className="sr-only">All users</caption>
          <TableHead columns={["User", "Roles", "Status", "Change"]} />
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <th scope="row">
                  @{u.username}
                  <div className="muted small">{u.displayName}</div>
                </th>
                <td>{u.roles.join(", ")}</td>
                <td>{u.disabled ? <span className="badge badge--none">disabled</span> : "active"}</td>
                <td>
                  <div className="row-actions">
                    {GRANTABLE_ROLES.map((role) => {
                      const has = u.roles.includes(role);
                      return (
                        <Form method="post" key={role}>
                          <input type="hidden" name="userId" value={u.id} />
                          <input type="hidden" name="role" value={role} />
                          <button type="submit" name="intent" value={has ? "revoke" : "grant"} className="button button--small button--quiet">
                            {has ? `Revoke ${role}` : `Grant ${role}`}
                            <span className="sr-only"> for @{u.username}</span>
                          </button>
                        </Form>
                      );
                    })}
                    {u.id !== me ? (
                      <Form method="post">
                        <input type="hidden" name="userId" value={u.id} />
                        <button type="submit" name="intent" value={u.disabled ? "enable" : "disable"} className="button button--small button--quiet">
                          {u.disabled ? "Enable" : "Disable"}
                          <span className="sr-only"> @{u.username}</span>
                        </button>
                      </Form>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>

      <section className="section" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Recent changes</h2>
        {audit.length === 0 ? (
          <p className="empty">No changes recorded yet.</p>
        ) : (
          <ul className="audit-list">
            {audit.map((a) => (
              <li key={a.id}>
                <time dateTime={new Date(a.createdAt).toISOString()}>{when(a.createdAt)}</time> <strong>{a.actorLabel}</strong> {a.action.replace(/[._]/g, " ")}{" "}
                {usernames.has(a.entityId) ? `@${usernames.get(a.entityId)}` : `user #${a.entityId}`}
                {describeChanges(a.beforeJson, a.afterJson).map((line) => (
                  <span key={line} className="muted">
                    {" · "}
                    {line}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
