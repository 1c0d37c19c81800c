import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { ErrorSummary, Field, FormError } from "../components/form";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { parseVersion } from "../lib/versions";
import { webBountyActor } from "../models/bounties.server";
import { getSoftwareBySlug, setLatestVersion, setSourceNames } from "../models/packages.server";
import { parseForm, readForm } from "../schemas/form";
import { SourceNamesSchema } from "../schemas/packages";

export const meta: MetaFunction = () => pageMeta("Upstream version and sources · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const sw = getSoftwareBySlug(db, params.slug ?? "");
  if (!sw) throw notFound("There is no such software.");
  return json({ sw });
}

interface ActionData {
  error?: string;
  fieldErrors?: Record<string, string | undefined>;
  values?: Record<string, unknown>;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const sw = getSoftwareBySlug(db, params.slug ?? "");
  if (!sw) throw notFound("There is no such software.");
  const form = await readForm(request);
  if (form.get("intent") === "sources") {
    const parsed = parseForm(SourceNamesSchema, form);
    if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
    setSourceNames(db, webBountyActor(admin), sw.id, parsed.data);
    return redirectWithMessage(`/packages/software/${sw.slug}`, `${sw.name}: saved where it is looked up; the next package sync reads it there.`);
  }
  const version = String(form.get("version") ?? "")
    .trim()
    .replace(/^v(?=\d)/i, "");
  if (!parseVersion(version) || version.length > 50) return json<ActionData>({ error: "Give a version like 1.15.3." }, { status: 400 });
  setLatestVersion(db, webBountyActor(admin), sw.id, version);
  return redirectWithMessage(`/packages?software=${sw.slug}`, `${sw.name}: the latest upstream release is now ${version}; packages are compared with it.`);
}

export default function SoftwareVersion() {
  const { sw } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const errors = data?.fieldErrors ?? {};
  const typed = (name: "repologyName" | "chartName" | "imageName") => (data?.values ? String(data.values[name] ?? "") : (sw[name] ?? ""));
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/packages">Packages</Link> <span aria-hidden="true">/</span> {sw.name}
      </nav>
      <h1>{sw.name}: latest upstream release</h1>
      <p className="lede">
        Packages are compared with this version. A published GitHub release of {sw.repo ?? "its repository"} updates it by itself, through the webhook or the
        package sync.
      </p>
      <Form method="post" className="stack">
        <FormError message={data?.error} />
        <Field label="Latest upstream version" name="version" defaultValue={sw.latestVersion ?? ""} error={data?.error} required />
        <button className="button" type="submit">
          Save
        </button>
      </Form>
      <section className="section" aria-labelledby="sources-heading">
        <h2 id="sources-heading">Where its packages are looked up</h2>
        <p>Its name in each source the package sync reads; leave a field empty when it is not there.</p>
        <Form method="post" className="stack" noValidate>
          <ErrorSummary errors={errors} />
          <Field label="Repology project" name="repologyName" defaultValue={typed("repologyName")} error={errors.repologyName} hint="e.g. spire" />
          <Field label="Helm chart" name="chartName" defaultValue={typed("chartName")} error={errors.chartName} hint="e.g. spire" />
          <Field label="Container image" name="imageName" defaultValue={typed("imageName")} error={errors.imageName} hint="e.g. spiffe/spire-server" />
          <button className="button" type="submit" name="intent" value="sources">
            Update where it is looked up
          </button>
        </Form>
      </section>
    </section>
  );
}
