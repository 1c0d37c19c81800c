import { Form } from "@remix-run/react";
import { STATUS_LABELS } from "../lib/catalog";
import { TARGET_STATUSES, type PersonaSlug } from "../lib/vocabulary";
import { ErrorSummary, Field, SelectField, TextAreaField } from "./form";

export type FormValues = Record<string, string | string[] | undefined>;

export interface TargetFormValues {
  name: string;
  slug: string;
  category: string;
  repos: string[];
  summary: string;
  homepage: string | null;
  personaHelp: { slug: PersonaSlug; helpText: string | null }[];
  bridges: { name: string; url: string; note: string | null }[];
}

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []);

/** What the form shows: what the user typed after a refusal, else the target's current values. */
function shown(target: TargetFormValues | null, typed: FormValues | undefined) {
  if (typed) {
    const names = many(typed.bridgeName);
    const urls = many(typed.bridgeUrl);
    const notes = many(typed.bridgeNote);
    return {
      name: one(typed.name) ?? "",
      slug: one(typed.slug) ?? "",
      category: one(typed.category) ?? "",
      repos: one(typed.repos) ?? "",
      summary: one(typed.summary) ?? "",
      homepage: one(typed.homepage) ?? "",
      personas: many(typed.personas),
      help: (slug: string) => one(typed[`help-${slug}`]) ?? "",
      // the rows left blank were the form's spare rows: two new spares are added below, not two more
      bridges: names.map((name, i) => ({ name, url: urls[i] ?? "", note: notes[i] ?? "" })).filter((b) => b.name || b.url || b.note),
    };
  }
  return {
    name: target?.name ?? "",
    slug: target?.slug ?? "",
    category: target?.category ?? "",
    repos: target?.repos.join("\n") ?? "",
    summary: target?.summary ?? "",
    homepage: target?.homepage ?? "",
    personas: target?.personaHelp.map((p) => p.slug) ?? [],
    help: (slug: string) => target?.personaHelp.find((p) => p.slug === slug)?.helpText ?? "",
    bridges: target?.bridges.map((b) => ({ name: b.name, url: b.url, note: b.note ?? "" })) ?? [],
  };
}

/** The SPIFFE status picker, in the new-target form and the status change form. */
export function StatusSelect({ label, value, error }: { label: string; value: string; error?: string }) {
  return (
    <SelectField label={label} name="status" id="status" defaultValue={value} error={error}>
      {TARGET_STATUSES.map((s) => (
        <option key={s} value={s}>
          {STATUS_LABELS[s]}
        </option>
      ))}
    </SelectField>
  );
}

/** Name, category, repositories, summary and homepage: what a suggestion and a target share. */
export function TargetBasics({ v, errors, categories }: { v: ReturnType<typeof shown>; errors: Record<string, string | undefined>; categories: string[] }) {
  return (
    <>
      <Field label="Name" name="name" required maxLength={80} defaultValue={v.name} error={errors.name} />
      <Field
        label="Category"
        name="category"
        required
        list="categories"
        defaultValue={v.category}
        error={errors.category}
        hint="e.g. proxy, database, service-mesh"
      />
      <datalist id="categories">
        {categories.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <TextAreaField
        label="Upstream repositories"
        name="repos"
        rows={3}
        defaultValue={v.repos}
        error={errors.repos}
        hint="GitHub owner/name, one per line; the first is the main one."
      />
      <TextAreaField
        label="Summary (Markdown)"
        name="summary"
        rows={6}
        required
        defaultValue={v.summary}
        error={errors.summary}
        hint="What it is and where SPIFFE fits."
      />
      <Field label="Homepage (optional)" name="homepage" type="url" defaultValue={v.homepage} error={errors.homepage} placeholder="https://" />
    </>
  );
}

/** The whole target form: basics, slug, personas with their "how you can help", bridges. */
export function TargetForm({
  target,
  typed,
  errors,
  personas,
  categories,
  withStatus,
  submitLabel,
}: {
  target: TargetFormValues | null;
  typed?: FormValues;
  errors: Record<string, string | undefined>;
  personas: { slug: string; name: string; helpText: string }[];
  categories: string[];
  /** A new target picks its first status (with evidence) in the same form. */
  withStatus?: boolean;
  submitLabel: string;
}) {
  const v = shown(target, typed);
  // chosen personas first, in their order (the order is their rank), then the rest
  const ordered = [
    ...v.personas.map((slug) => personas.find((p) => p.slug === slug)).filter((p) => p !== undefined),
    ...personas.filter((p) => !v.personas.includes(p.slug)),
  ];
  const bridgeRows = [...v.bridges, { name: "", url: "", note: "" }, { name: "", url: "", note: "" }];
  return (
    <>
      <ErrorSummary errors={errors} />
      <Form method="post" className="stack" noValidate aria-label={submitLabel}>
        <input type="hidden" name="intent" value="save" />
        <TargetBasics v={v} errors={errors} categories={categories} />
        <Field
          label="Slug"
          name="slug"
          required
          maxLength={64}
          defaultValue={v.slug}
          error={errors.slug}
          hint="The page's address, /targets/<slug>. After a rename the old address redirects here."
        />
        {withStatus ? (
          <>
            <StatusSelect label="SPIFFE status" value={one(typed?.status) ?? "none"} error={errors.status} />
            <Field
              label="Evidence for the status"
              name="evidence"
              type="url"
              defaultValue={one(typed?.evidence) ?? ""}
              error={errors.evidence}
              hint="An https:// link (release note, merged PR, docs); not needed for “None yet”."
            />
          </>
        ) : null}
        <fieldset className="checks" id="personas">
          <legend>Who can help, best suited first, and how</legend>
          {errors.personas ? <span className="field__error">{errors.personas}</span> : null}
          {ordered.map((p) => (
            <div key={p.slug} className="field">
              <label>
                <input type="checkbox" name="personas" value={p.slug} defaultChecked={v.personas.includes(p.slug)} /> {p.name}
              </label>
              <TextAreaField
                label={`How ${p.name.toLowerCase()} can help`}
                name={`help-${p.slug}`}
                rows={2}
                defaultValue={v.help(p.slug)}
                error={errors[`help-${p.slug}`]}
                placeholder={p.helpText}
              />
            </div>
          ))}
        </fieldset>
        <fieldset id="bridgeName">
          <legend>Bridges that work today (spiffe-helper, Ghostunnel, Envoy SDS, a Helm chart…)</legend>
          {errors.bridgeName ? <span className="field__error">{errors.bridgeName}</span> : null}
          {errors.bridgeUrl ? (
            <span className="field__error" id="bridgeUrl">
              {errors.bridgeUrl}
            </span>
          ) : null}
          {bridgeRows.map((b, i) => (
            <div key={i} className="inline-form">
              <Field label={`Bridge ${i + 1} name`} name="bridgeName" id={`bridgeName-${i}`} defaultValue={b.name} maxLength={80} />
              <Field label={`Bridge ${i + 1} link`} name="bridgeUrl" id={`bridgeUrl-${i}`} type="url" defaultValue={b.url} placeholder="https://" />
              <Field label={`Bridge ${i + 1} note`} name="bridgeNote" id={`bridgeNote-${i}`} defaultValue={b.note} maxLength={500} />
            </div>
          ))}
        </fieldset>
        <button type="submit" className="button">
          {submitLabel}
        </button>
      </Form>
    </>
  );
}

export { shown as targetFormValues };
