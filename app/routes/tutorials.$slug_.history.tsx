import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getUser } from "../auth/session.server";
import { RevisionHistory } from "../components/tutorials";
import { db } from "../db.server";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { historyData, viewerOf } from "../lib/tutorial-pages.server";
import { getTutorial } from "../models/tutorials.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `History of ${data.title} · Club Zero` : "Not found · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const tutorial = getTutorial(db, viewerOf(await getUser(request)), params.slug ?? "");
  if (!tutorial) throw notFound("There is no such tutorial.");
  return json({ slug: tutorial.slug, title: tutorial.revision.title, ...historyData(request, tutorial) });
}

export default function TutorialHistory() {
  const { slug, title, revisions, from, to, diff } = useLoaderData<typeof loader>();
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> <Link to={`/tutorials/${slug}`}>{title}</Link>{" "}
        <span aria-hidden="true">/</span> History
      </nav>
      <h1>History of “{title}”</h1>
      <RevisionHistory revisions={revisions} from={from} to={to} diff={diff} />
    </section>
  );
}
