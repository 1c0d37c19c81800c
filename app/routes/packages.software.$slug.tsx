import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { Field, FormError } from "../components/form";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { parseVersion } from "../lib/versions";
import { webBountyActor } from "../models/bounties.server";
import { getSoftwareBySlug, setLatestVersion } from "../models/packages.server";
import { readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("Upstream version · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const sw = getSoftwareBySlug(db, params.slug ?? "");
  if (!sw) throw notFound("There is no such software.");
  return json({ sw });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const sw = getSoftwareBySlug(db, params.slug ?? "");
  if (!sw) throw notFound("There is no such software.");
  const version = String((await readForm(request)).get("version") ?? "")
    .trim()
    .replace(/^v(?=\d)/i, "");
  if (!parseVersion(version) || version.length > 50) return json({ error: "Give a version like 1.15.3." }, { status: 400 });
  setLatestVersion(db, webBountyActor(admin), sw.id, version);
  return redirectWithMessage(`/packages?software=${sw.slug}`, `${sw.name}: the latest upstream release is now ${version}; packages are compared with it.`);
}

export default function SoftwareVersion() {
  const { sw } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/packages">Packages</Link> <span aria-hidden="true">/</span> {sw.name}
      </nav>
      <h1>{sw.name}: latest upstream release</h1>
      <p className="lede">
        Packages are compared with this version. A published GitHub release of {sw.repo ?? "its repository"} updates it by itself when webhooks are set up.
      </p>
      <Form method="post" className="stack">
        <FormError message={data?.error} />
        <Field label="Latest upstream version" name="version" defaultValue={sw.latestVersion ?? ""} error={data?.error} required />
        <button className="button" type="submit">
          Save
        </button>
      </Form>
    </section>
  );
}
