import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getUser } from "../auth/session.server";
import { FormError } from "../components/form";
import { Bylines, OutdatedBadge, ReviewActions, TableOfContents, TextDiff, TutorialBody, TutorialStatusBadge } from "../components/tutorials";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { languageName } from "../lib/languages";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { pageControls, translationParams, tutorialPageAction, viewerOf } from "../lib/tutorial-pages.server";
import { getTranslation, translationFreshness } from "../models/tutorials.server";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta(data ? `${data.translation.revision.title} (${data.langName}) · Club Zero` : "Not found · Club Zero", data?.translation.revision.summary);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = viewerOf(await getUser(request));
  const { source, lang } = translationParams(params, viewer);
  const translation = getTranslation(db, viewer, source.id, lang);
  if (!translation) throw notFound("There is no such translation.");
  return json({ translation, langName: languageName(lang), freshness: translationFreshness(db, translation), ...pageControls(viewer, translation) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = viewerOf(await getUser(request));
  const { source, lang } = translationParams(params, viewer);
  const translation = getTranslation(db, viewer, source.id, lang);
  if (!translation) throw notFound("There is no such translation.");
  return tutorialPageAction(request, translation.id, `/tutorials/${source.slug}/translations/${lang}`);
}

export default function TranslationPage() {
  const { translation, langName, freshness, canEdit, intents } = useLoaderData<typeof loader>();
  const data = useActionData<{ message?: string }>();
  const busy = useNavigation().state === "submitting";
  const source = translation.source!;
  const base = `/tutorials/${translation.slug}/translations/${translation.lang}`;
  return (
    <article className="tutorial">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> <Link to={`/tutorials/${source.slug}`}>{source.title}</Link>{" "}
        <span aria-hidden="true">/</span> {langName}
      </nav>
      <h1 lang={translation.lang}>{translation.revision.title}</h1>
      <p className="lede" lang={translation.lang}>
        {translation.revision.summary}
      </p>
      <p className="status-line">
        {translation.status !== "published" ? <TutorialStatusBadge status={translation.status} /> : null}
        {freshness?.outdated ? <OutdatedBadge /> : null}
        <span>
          {langName} translation of <Link to={`/tutorials/${source.slug}`}>{source.title}</Link>. Translated{" "}
          <Bylines authors={translation.authors} creditLine={null} />
        </span>
        <span className="muted">
          revision {translation.revision.number} of {formatDate(translation.revision.createdAt)}
          {freshness?.translatedFrom ? `, from source revision ${freshness.translatedFrom}` : ""} · <Link to={`${base}/history`}>history</Link>
          {canEdit ? (
            <>
              {" "}
              · <Link to={`${base}/edit`}>{freshness?.outdated ? "bring it up to date" : "edit"}</Link>
            </>
          ) : null}
        </span>
      </p>
      {translation.status === "unpublished" && translation.unpublishedReason ? (
        <p className="alert alert--error">Unpublished: {translation.unpublishedReason}</p>
      ) : null}
      {freshness?.outdated ? (
        <section className="section alert" aria-labelledby="outdated-heading">
          <h2 id="outdated-heading">This translation is outdated</h2>
          <p>
            It was made from revision {freshness.translatedFrom} of the original, which is now at revision {freshness.sourceNow}. What changed in the original
            since:
          </p>
          {freshness.diff ? (
            <details open>
              <summary>
                The changes ({freshness.diff.added} added, {freshness.diff.removed} removed)
              </summary>
              <TextDiff rows={freshness.diff.rows} caption={`Changes to the original from revision ${freshness.translatedFrom} to ${freshness.sourceNow}`} />
            </details>
          ) : null}
        </section>
      ) : null}
      <FormError message={data?.message} />
      <ReviewActions intents={intents} busy={busy} />
      <TableOfContents toc={translation.revision.toc} />
      <TutorialBody html={translation.revision.bodyHtml} lang={translation.lang} />
    </article>
  );
}
