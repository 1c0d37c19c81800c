import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getUser } from "../auth/session.server";
import { RevisionHistory } from "../components/tutorials";
import { db } from "../db.server";
import { languageName } from "../lib/languages";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { historyData, translationParams, viewerOf } from "../lib/tutorial-pages.server";
import { getTranslation } from "../models/tutorials.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `History of ${data.title} · Club Zero` : "Not found · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = viewerOf(await getUser(request));
  const { source, lang } = translationParams(params, viewer, "/history");
  const translation = getTranslation(db, viewer, source.id, lang);
  if (!translation) throw notFound("There is no such translation.");
  return json({ slug: source.slug, lang, langName: languageName(lang), title: translation.revision.title, ...historyData(request, translation) });
}

export default function TranslationHistory() {
  const { slug, lang, langName, title, revisions, from, to, diff } = useLoaderData<typeof loader>();
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> <Link to={`/tutorials/${slug}/translations/${lang}`}>{title}</Link>{" "}
        <span aria-hidden="true">/</span> History
      </nav>
      <h1>History of the {langName} translation</h1>
      <RevisionHistory revisions={revisions} from={from} to={to} diff={diff} />
    </section>
  );
}
