import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getUser } from "../auth/session.server";
import { FormError } from "../components/form";
import { Bylines, OutdatedBadge, ReviewActions, TableOfContents, TutorialBody, TutorialStatusBadge } from "../components/tutorials";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { languageName, matchLanguages, parseAcceptLanguage } from "../lib/languages";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { pageControls, tutorialPageAction, viewerOf } from "../lib/tutorial-pages.server";
import { getTutorial, getTutorialRowBySlug, listTranslations } from "../models/tutorials.server";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta(data ? `${data.tutorial.revision.title} · Club Zero` : "Not found · Club Zero", data?.tutorial.revision.summary);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = viewerOf(await getUser(request));
  const tutorial = getTutorial(db, viewer, params.slug ?? "");
  if (!tutorial) throw notFound("There is no such tutorial.");
  const translations = listTranslations(db, viewer, tutorial).map((t) => ({ ...t, name: languageName(t.lang) }));
  // The reader's own languages first (Accept-Language), among the translations anyone can read.
  const readable = translations.filter((t) => t.status === "published").map((t) => t.lang);
  const yours = matchLanguages(parseAcceptLanguage(request.headers.get("accept-language")), readable).map((lang) => ({ lang, name: languageName(lang) }));
  return json(
    { tutorial, translations, yours, ...pageControls(viewer, tutorial), canTranslate: Boolean(viewer) && tutorial.status === "published" },
    { headers: { Vary: "Accept-Language, Cookie" } },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const row = getTutorialRowBySlug(db, params.slug ?? "");
  if (!row) throw notFound("There is no such tutorial.");
  return tutorialPageAction(request, row.id, `/tutorials/${row.slug}`, { translateFrom: `/tutorials/${row.slug}` });
}

export default function TutorialPage() {
  const { tutorial, translations, yours, canEdit, intents, canTranslate } = useLoaderData<typeof loader>();
  const data = useActionData<{ message?: string; fieldErrors?: Record<string, string> }>();
  const busy = useNavigation().state === "submitting";
  const base = `/tutorials/${tutorial.slug}`;
  return (
    <article className="tutorial">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> {tutorial.revision.title}
      </nav>
      {yours.length > 0 ? (
        <p className="alert alert--ok">
          Also in your language:{" "}
          {yours.map((y, i) => (
            <span key={y.lang}>
              {i > 0 ? ", " : null}
              <Link to={`${base}/translations/${y.lang}`} hrefLang={y.lang}>
                {y.name}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
      <h1>{tutorial.revision.title}</h1>
      <p className="lede">{tutorial.revision.summary}</p>
      <p className="status-line">
        {tutorial.status !== "published" ? <TutorialStatusBadge status={tutorial.status} /> : null}
        <span>
          <Bylines authors={tutorial.authors} creditLine={tutorial.creditLine} />
        </span>
        <span className="muted">
          For{" "}
          {tutorial.targets.map((t, i) => (
            <span key={t.slug}>
              {i > 0 ? ", " : null}
              <Link to={`/targets/${t.slug}`}>{t.name}</Link>
            </span>
          ))}
          {tutorial.firstPublishedAt ? ` · published ${formatDate(tutorial.firstPublishedAt)}` : ""} · revision {tutorial.revision.number} of{" "}
          {formatDate(tutorial.revision.createdAt)} · <Link to={`${base}/history`}>history</Link>
          {canEdit ? (
            <>
              {" "}
              · <Link to={`${base}/edit`}>edit</Link>
            </>
          ) : null}
        </span>
      </p>
      {tutorial.status === "unpublished" && tutorial.unpublishedReason ? <p className="alert alert--error">Unpublished: {tutorial.unpublishedReason}</p> : null}
      <FormError message={data?.message} />
      <ReviewActions intents={intents} busy={busy} />
      <TableOfContents toc={tutorial.revision.toc} />
      <TutorialBody html={tutorial.revision.bodyHtml} lang={tutorial.lang} />
      <section className="section" aria-labelledby="translations-heading">
        <h2 id="translations-heading">Translations</h2>
        {translations.length === 0 ? <p>None yet.</p> : null}
        <ul>
          {translations.map((t) => (
            <li key={t.lang}>
              <Link to={`${base}/translations/${t.lang}`} hrefLang={t.lang}>
                {t.name} ({t.lang})
              </Link>{" "}
              {t.status !== "published" ? <TutorialStatusBadge status={t.status} /> : null} {t.outdated ? <OutdatedBadge /> : null}
            </li>
          ))}
        </ul>
        {canTranslate ? (
          <Form method="post" className="inline-form">
            <label htmlFor="lang">Translate it into (a language tag such as de, pt-BR or zh-Hant)</label>
            <input
              id="lang"
              name="lang"
              required
              maxLength={35}
              aria-invalid={data?.fieldErrors?.lang ? true : undefined}
              aria-describedby={data?.fieldErrors?.lang ? "lang-error" : undefined}
            />
            {data?.fieldErrors?.lang ? (
              <span id="lang-error" className="field__error">
                {data.fieldErrors.lang}
              </span>
            ) : null}
            <button className="button button--quiet" name="intent" value="translate" disabled={busy}>
              Translate
            </button>
          </Form>
        ) : null}
      </section>
    </article>
  );
}
