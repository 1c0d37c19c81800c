import { Form, Link } from "@remix-run/react";
import { NEEDS_REASON, TUTORIAL_STATUS_LABELS, type TutorialIntent } from "../lib/tutorial-lifecycle";
import { ErrorSummary, Field, SelectField, TextAreaField } from "./form";
import { TableHead } from "./table";
import type { DiffRow } from "../lib/text-diff";
import type { TutorialStatus } from "../lib/vocabulary";

export function TutorialStatusBadge({ status }: { status: TutorialStatus }) {
  return <span className={`badge badge--tutorial-${status}`}>{TUTORIAL_STATUS_LABELS[status]}</span>;
}

/** A translation that lags behind its source. */
export function OutdatedBadge() {
  return <span className="badge badge--outdated">Outdated</span>;
}

/** The table of contents, from the headings the renderer anchored. */
export function TableOfContents({ toc }: { toc: { level: number; id: string; text: string }[] }) {
  if (toc.length < 2) return null;
  return (
    <nav aria-labelledby="toc-heading" className="toc card">
      <h2 id="toc-heading">Contents</h2>
      <ol>
        {toc.map((entry) => (
          <li key={entry.id} className={entry.level === 3 ? "toc__sub" : undefined}>
            <a href={`#${entry.id}`}>{entry.text}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The rendered tutorial: HTML made safe when it was saved (app/lib/markdown.server.ts), never re-rendered here. */
export function TutorialBody({ html, lang }: { html: string; lang: string }) {
  return <div className="prose tutorial-body" lang={lang} dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * A line diff as a table: a sign column a screen reader reads as "added"/"removed", the old and
 * new line numbers, and the line. Colour is never the only cue.
 */
export function TextDiff({ rows, caption }: { rows: DiffRow[]; caption: string }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="table diff">
        <caption>{caption}</caption>
        <TableHead columns={["Change", "Before", "After", "Line"]} />
        <tbody>
          {rows.map((row, i) =>
            row.kind === "skipped" ? (
              <tr key={i} className="diff__skipped">
                <td colSpan={4}>
                  … {row.count} unchanged line{row.count === 1 ? "" : "s"} …
                </td>
              </tr>
            ) : (
              <tr key={i} className={`diff__${row.kind}`}>
                <td>
                  <span aria-hidden="true">{row.kind === "added" ? "+" : row.kind === "removed" ? "−" : ""}</span>
                  <span className="sr-only">{row.kind === "added" ? "added" : row.kind === "removed" ? "removed" : "unchanged"}</span>
                </td>
                <td>{row.oldNumber ?? ""}</td>
                <td>{row.newNumber ?? ""}</td>
                <td>{row.kind === "added" ? <ins>{row.text}</ins> : row.kind === "removed" ? <del>{row.text}</del> : row.text}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

const INTENT_BUTTONS: Record<TutorialIntent, string> = {
  submit: "Send for review",
  withdraw: "Withdraw from review",
  publish: "Publish",
  send_back: "Send back to the authors",
  unpublish: "Unpublish",
};

/** The review buttons this viewer may use; those that need a reason come with its text area. */
export function ReviewActions({ intents, busy }: { intents: TutorialIntent[]; busy: boolean }) {
  if (intents.length === 0) return null;
  return (
    <section className="section" aria-labelledby="review-heading">
      <h2 id="review-heading">Review</h2>
      <div className="stack">
        {intents.map((intent) =>
          NEEDS_REASON.includes(intent) ? (
            <Form method="post" key={intent} className="stack">
              <label htmlFor={`${intent}-reason`}>{intent === "unpublish" ? "Why unpublish it?" : "What needs doing before it can be published?"}</label>
              <textarea id={`${intent}-reason`} name="reason" required rows={3} />
              <button className="button button--quiet" name="intent" value={intent} disabled={busy}>
                {INTENT_BUTTONS[intent]}
              </button>
            </Form>
          ) : (
            <Form method="post" key={intent}>
              <button className="button" name="intent" value={intent} disabled={busy}>
                {INTENT_BUTTONS[intent]}
              </button>
            </Form>
          ),
        )}
      </div>
    </section>
  );
}

/** "by @ada and @grace", or the seed's credit line. */
export function Bylines({ authors, creditLine }: { authors: { username: string; displayName: string }[]; creditLine: string | null }) {
  if (authors.length === 0) return <>{creditLine ? `Written by ${creditLine}` : null}</>;
  return (
    <>
      By{" "}
      {authors.map((a, i) => (
        <span key={a.username}>
          {i > 0 ? (i === authors.length - 1 ? " and " : ", ") : null}
          <Link to={`/u/${a.username}`}>{a.displayName}</Link>
        </span>
      ))}
    </>
  );
}

/** Checkboxes with one name, their error named in the legend's group; `#name` is the error summary's target. */
function CheckList({
  name,
  legend,
  options,
  chosen,
  error,
  scroll = false,
}: {
  name: string;
  legend: string;
  options: { slug: string; name: string }[];
  chosen: string[];
  error?: string;
  scroll?: boolean;
}) {
  return (
    <fieldset className="checks" aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{legend}</legend>
      {error ? (
        <span id={`${name}-error`} className="field__error">
          {error}
        </span>
      ) : null}
      <div className={scroll ? "checks__scroll" : undefined} id={name} tabIndex={-1}>
        {options.map((o) => (
          <label key={o.slug}>
            <input type="checkbox" name={name} value={o.slug} defaultChecked={chosen.includes(o.slug)} /> {o.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export interface TutorialFormValues {
  title?: string;
  summary?: string;
  body?: string;
  note?: string;
  targets?: string[];
  personas?: string[];
  bountyId?: string;
}

/**
 * The writing form for a tutorial (with what it is for) or a translation (text only). Fields'
 * ids are their names, so the error summary links to them.
 */
export function TutorialForm({
  values,
  errors,
  submitLabel,
  busy,
  purpose,
  lang,
}: {
  values: TutorialFormValues;
  errors: Record<string, string | undefined>;
  submitLabel: string;
  busy: boolean;
  purpose?: { targets: { slug: string; name: string }[]; personas: { slug: string; name: string }[]; bounties: { id: number; title: string }[] };
  lang?: string;
}) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <Form method="post" className="stack" noValidate>
        <Field label="Title" name="title" required maxLength={200} defaultValue={values.title} error={errors.title} lang={lang} />
        <TextAreaField
          label="Summary"
          name="summary"
          rows={2}
          required
          hint="One or two sentences: what the reader will have running at the end."
          defaultValue={values.summary}
          error={errors.summary}
          lang={lang}
        />
        <TextAreaField
          label="Tutorial (Markdown)"
          name="body"
          rows={24}
          required
          hint="Headings (## and ###) make the table of contents. Fence code with its language (```yaml) to highlight it. HTML is shown as text."
          defaultValue={values.body}
          error={errors.body}
          lang={lang}
          className="mono"
        />
        {purpose ? (
          <>
            <CheckList name="targets" legend="Targets it is for" options={purpose.targets} chosen={values.targets ?? []} error={errors.targets} scroll />
            <CheckList name="personas" legend="Who it is for" options={purpose.personas} chosen={values.personas ?? []} error={errors.personas} />
            <SelectField
              label="Tutorial bounty it answers (optional)"
              name="bountyId"
              hint="Publishing the tutorial completes this bounty, credited to you."
              defaultValue={values.bountyId ?? ""}
              error={errors.bountyId}
            >
              <option value="">None</option>
              {purpose.bounties.map((b) => (
                <option key={b.id} value={String(b.id)}>
                  #{b.id} {b.title}
                </option>
              ))}
            </SelectField>
          </>
        ) : null}
        <Field label="What changed (optional)" name="note" maxLength={500} defaultValue={values.note} error={errors.note} />
        <button type="submit" className="button" disabled={busy}>
          {submitLabel}
        </button>
      </Form>
    </>
  );
}

const asList = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
const asText = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/** What the person typed (sent back with a refusal), as the form's values. */
export function formValues(values: Record<string, string | string[] | undefined>): TutorialFormValues {
  return {
    title: asText(values.title),
    summary: asText(values.summary),
    body: asText(values.body),
    note: asText(values.note),
    targets: asList(values.targets),
    personas: asList(values.personas),
    bountyId: asText(values.bountyId),
  };
}

/** Field errors, or a refusal's sentence when no field is to blame. */
export function formErrors(data: { fieldErrors?: Record<string, string>; message?: string } | undefined): Record<string, string | undefined> {
  if (data?.fieldErrors && Object.keys(data.fieldErrors).length > 0) return data.fieldErrors;
  return data?.message ? { form: data.message } : {};
}

function RevisionSelect({ name, label, numbers, chosen }: { name: string; label: string; numbers: number[]; chosen: number }) {
  return (
    <>
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={String(chosen)}>
        {numbers.map((n) => (
          <option key={n} value={String(n)}>
            {n}
          </option>
        ))}
      </select>
    </>
  );
}

/** A history page: the revisions, a form to pick two, and their diff. */
export function RevisionHistory({
  revisions,
  from,
  to,
  diff,
}: {
  revisions: { number: number; title: string; note: string | null; authorLabel: string; createdAt: number; sourceNumber?: number | null }[];
  from: number;
  to: number;
  diff: { rows: DiffRow[]; added: number; removed: number } | null;
}) {
  return (
    <>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="revisions-heading">
        <table className="table">
          <caption id="revisions-heading">Revisions, newest first</caption>
          <TableHead columns={["Revision", "Saved", "By", "What changed"]} />
          <tbody>
            {revisions.map((r) => (
              <tr key={r.number}>
                <th scope="row">{r.number}</th>
                <td>{new Date(r.createdAt).toISOString().slice(0, 16).replace("T", " ")} UTC</td>
                <td>{r.authorLabel}</td>
                <td>
                  {r.note ?? ""}
                  {r.sourceNumber ? ` (from source revision ${r.sourceNumber})` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revisions.length > 1 ? (
        <Form method="get" className="inline-form">
          <RevisionSelect name="from" label="Compare revision" numbers={revisions.map((r) => r.number)} chosen={from} />
          <RevisionSelect name="to" label="with revision" numbers={revisions.map((r) => r.number)} chosen={to} />
          <button className="button button--quiet" type="submit">
            Compare
          </button>
        </Form>
      ) : null}
      {diff ? (
        <>
          <p>
            From revision {from} to revision {to}: {diff.added} line{diff.added === 1 ? "" : "s"} added, {diff.removed} removed.
          </p>
          <TextDiff rows={diff.rows} caption={`Changes from revision ${from} to revision ${to}`} />
        </>
      ) : null}
    </>
  );
}

/** A target page's published tutorials, and the way to write one. */
export function TargetTutorials({
  targetSlug,
  targetName,
  tutorials,
  signedIn,
}: {
  targetSlug: string;
  targetName: string;
  tutorials: { slug: string; title: string; summary: string; languages: string[] }[];
  signedIn: boolean;
}) {
  return (
    <section aria-labelledby="tutorials-heading" className="section">
      <h2 id="tutorials-heading">Tutorials</h2>
      {tutorials.length === 0 ? <p className="empty">No published tutorial for {targetName} yet.</p> : null}
      <ul>
        {tutorials.map((t) => (
          <li key={t.slug}>
            <Link to={`/tutorials/${t.slug}`}>{t.title}</Link> <span className="muted">({t.languages.join(", ")})</span>
          </li>
        ))}
      </ul>
      {signedIn ? (
        <p>
          <Link className="button button--quiet" to={`/tutorials/new?target=${targetSlug}`}>
            Write a tutorial for {targetName}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
