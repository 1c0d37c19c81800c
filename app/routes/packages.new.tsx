import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { PackageForm } from "../components/packages";
import { db } from "../db.server";
import { distroName } from "../lib/distros";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { webBountyActor } from "../models/bounties.server";
import { DuplicatePackage, getSoftwareBySlug, listSoftware, registerPackage } from "../models/packages.server";
import { parseForm, readForm } from "../schemas/form";
import { PackageFormSchema } from "../schemas/packages";

export const meta: MetaFunction = () => pageMeta("Register a package · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "packager", "admin");
  const url = new URL(request.url);
  return json({
    software: listSoftware(db).map((s) => ({ slug: s.slug, name: s.name })),
    preset: { software: url.searchParams.get("software") ?? "", distro: url.searchParams.get("distro") ?? "" },
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "packager", "admin");
  const parsed = parseForm(PackageFormSchema, await readForm(request));
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: parsed.values, duplicateId: null }, { status: 400 });
  const sw = getSoftwareBySlug(db, parsed.data.software);
  if (!sw) return json({ fieldErrors: { software: "Choose the software from the list." }, values: parsed.data, duplicateId: null }, { status: 400 });
  try {
    const { software: _slug, ...fields } = parsed.data;
    const row = registerPackage(db, webBountyActor(user), { ...fields, softwareId: sw.id });
    return redirectWithMessage(
      `/packages/${row.id}`,
      `Registered ${row.packageName} ${row.version} for ${distroName(row.distro)}. You are its maintainer; it is in the packages matrix now.`,
    );
  } catch (error) {
    if (error instanceof DuplicatePackage) return json({ fieldErrors: {}, values: parsed.data, duplicateId: error.existingId }, { status: 409 });
    throw error;
  }
}

export default function NewPackage() {
  const { software, preset } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/packages">Packages</Link> <span aria-hidden="true">/</span> Register
      </nav>
      <h1>Register a package</h1>
      <p className="lede">You will be its maintainer here: Club Zero tells you when upstream releases something newer.</p>
      <PackageForm
        software={software}
        values={(data?.values as Record<string, string>) ?? preset}
        errors={data?.fieldErrors ?? {}}
        duplicateId={data?.duplicateId}
        submitLabel="Register package"
      />
    </section>
  );
}
