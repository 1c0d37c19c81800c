import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getUser } from "../auth/session.server";
import { FilterForm } from "../components/filters";
import { OutdatedBadge, TutorialStatusBadge } from "../components/tutorials";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { languageName, parseLanguageTag } from "../lib/languages";
import { pageMeta } from "../lib/meta";
import { badRequest } from "../lib/responses";
import { PERSONA_SLUGS, SOURCE_LANGUAGE } from "../lib/vocabulary";
import { findTarget } from "../models/targets.server";
import { listTutorials, listWork, translationCoverage } from "../models/tutorials.server";

export const meta: MetaFunction = () => pageMeta("Tutorials · Club Zero", "Step-by-step tutorials for SPIFFE and SPIRE integrations, and their translations.");

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const rawLang = url.searchParams.get("lang");
  let lang: string | undefined;
  if (rawLang) {
    const parsed = parseLanguageTag(rawLang);
    if (!parsed.ok) throw badRequest(`lang: ${parsed.message}`);
    lang = parsed.tag;
  }
  const persona = url.searchParams.get("persona") || undefined;
  const knownPersona = PERSONA_SLUGS.find((p) => p === persona);
  if (persona && !knownPersona) throw badRequest(`persona: "${persona}" is not a valid persona: choose one of ${PERSONA_SLUGS.join(", ")}.`);
  const target = url.searchParams.get("target")?.slice(0, 100) || undefined;
  if (target && !findTarget(db, target)) throw badRequest(`target: "${target}" is not a target in the catalog.`);
  const user = await getUser(request);
  const viewer = user ? { userId: user.id, roles: user.roles } : null;
  const coverage = translationCoverage(db, lang ? [lang] : []);
  return json({
    lang: lang ?? SOURCE_LANGUAGE,
    langName: languageName(lang ?? SOURCE_LANGUAGE),
    cards: listTutorials(db, { lang, target, persona: knownPersona }).map((c) => ({ ...c, languageNames: c.languages.map(languageName) })),
    coverage: { published: coverage.published, rows: coverage.rows.map((r) => ({ ...r, name: languageName(r.lang) })) },
    work: viewer ? listWork(db, viewer) : null,
    signedIn: Boolean(user),
  });
}

export default function Tutorials() {
  const { lang, langName, cards, coverage, work, signedIn } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>Tutorials</h1>
      <p className="lede">
        Step by step, from nothing to a working SPIFFE integration. Written by the community, reviewed by the SPIFFE Steering Committee, translated by
        translators. <a href="/tutorials.atom">Atom feed of new tutorials</a>.
      </p>
      {signedIn ? (
        <p>
          <Link className="button" to="/tutorials/new">
            Write a tutorial
          </Link>
        </p>
      ) : (
        <p>
          <Link to="/login?redirectTo=/tutorials/new">Sign in</Link> to write a tutorial or translate one.
        </p>
      )}
      <FilterForm label="Tutorials in a language">
        <label htmlFor="lang">Language (a tag such as de or pt-BR)</label>
        <input id="lang" name="lang" defaultValue={lang === "en" ? "" : lang} list="languages" maxLength={35} />
        <datalist id="languages">
          {coverage.rows.map((r) => (
            <option key={r.lang} value={r.lang}>
              {r.name}
            </option>
          ))}
        </datalist>
        <button className="button button--quiet" type="submit">
          Show
        </button>
      </FilterForm>
      <h2>{lang === "en" ? "Published tutorials" : `Tutorials in ${langName}`}</h2>
      {cards.length === 0 ? (
        <p>{lang === "en" ? "No tutorials are published yet." : `No tutorial is translated into ${langName} yet. Translate one!`}</p>
      ) : (
        <ul className="card-list">
          {cards.map((c) => (
            <li key={`${c.slug}:${c.lang}`} className="card">
              <h3 lang={c.lang}>
                <Link to={c.lang === "en" ? `/tutorials/${c.slug}` : `/tutorials/${c.slug}/translations/${c.lang}`}>{c.title}</Link>
              </h3>
              <p lang={c.lang}>{c.summary}</p>
              <p className="muted">
                {c.outdated ? (
                  <>
                    <OutdatedBadge />{" "}
                  </>
                ) : null}
                For {c.targets.map((t) => t.name).join(", ")} · {c.personas.join(", ")}
                {c.firstPublishedAt ? ` · published ${formatDate(c.firstPublishedAt)}` : ""} · in {c.languageNames.join(", ")}
              </p>
            </li>
          ))}
        </ul>
      )}
      {work && (work.mine.length > 0 || work.waiting.length > 0) ? (
        <section className="section" aria-labelledby="work-heading">
          <h2 id="work-heading">In the works</h2>
          {work.waiting.length > 0 ? (
            <>
              <h3>Waiting for review</h3>
              <ul>
                {work.waiting.map((w) => (
                  <li key={w.link}>
                    <Link to={w.link}>{w.title}</Link> ({w.lang})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {work.mine.length > 0 ? (
            <>
              <h3>Yours, not published</h3>
              <ul>
                {work.mine.map((w) => (
                  <li key={w.link}>
                    <Link to={w.link}>{w.title}</Link> ({w.lang}) <TutorialStatusBadge status={w.status} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
      <section className="section" aria-labelledby="coverage-heading">
        <h2 id="coverage-heading">Translations by language</h2>
        {coverage.rows.length === 0 ? (
          <p>No translation is published yet.</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="coverage-heading">
            <table className="table">
              <caption className="sr-only">Of the {coverage.published} published tutorials, per language</caption>
              <thead>
                <tr>
                  <th scope="col">Language</th>
                  <th scope="col">Up to date</th>
                  <th scope="col">Outdated</th>
                  <th scope="col">Missing</th>
                </tr>
              </thead>
              <tbody>
                {coverage.rows.map((r) => (
                  <tr key={r.lang}>
                    <th scope="row">
                      <Link to={`/tutorials?lang=${encodeURIComponent(r.lang)}`}>
                        {r.name} ({r.lang})
                      </Link>
                    </th>
                    <td>{r.upToDate}</td>
                    <td>{r.outdated}</td>
                    <td>{r.missing}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
