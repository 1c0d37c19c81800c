import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { formErrors, formValues, TextDiff, TutorialForm } from "../components/tutorials";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { languageName } from "../lib/languages";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors } from "../lib/responses";
import { translationParams, viewerOf } from "../lib/tutorial-pages.server";
import { webBountyActor } from "../models/bounties.server";
import { InvalidField } from "../models/errors";
import { getTranslation, mayEditTutorial, reviseTutorial, startTranslation, translationFreshness } from "../models/tutorials.server";
import { formToObject, parseForm, readForm } from "../schemas/form";
import { TranslationFormSchema } from "../schemas/tutorials";

export const meta: MetaFunction = () => pageMeta("Translate a tutorial · Club Zero");

/**
 * The source tutorial and the translation into this language, if there is one and this person
 * may edit it (403 if they may read it but not edit it). Without one, anyone signed in may
 * start it, from a published tutorial only (404 otherwise).
 */
async function requireTranslatable(request: Request, params: { slug?: string; lang?: string }) {
  const user = await requireUser(request);
  const viewer = viewerOf(user);
  const { source, lang } = translationParams(params, viewer, "/edit");
  const translation = getTranslation(db, viewer, source.id, lang);
  if (translation && !mayEditTutorial(viewer, translation.authorIds)) {
    throw json({ message: "Only its translators (and admins) can change this translation; suggest changes to them." }, { status: 403 });
  }
  if (!translation && source.status !== "published") throw json({ message: "Only a published tutorial can be translated." }, { status: 404 });
  if (!translation && lang === source.lang) throw json({ message: "The tutorial is written in that language already." }, { status: 400 });
  return { user, source, lang, translation };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { source, lang, translation } = await requireTranslatable(request, params);
  const start = translation?.revision ?? source.revision;
  return json({
    source: { slug: source.slug, title: source.revision.title },
    lang,
    langName: languageName(lang),
    exists: Boolean(translation),
    freshness: translation ? translationFreshness(db, translation) : null,
    values: { title: start.title, summary: start.summary, body: start.body },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, source, lang, translation } = await requireTranslatable(request, params);
  const form = await readForm(request);
  const values = formToObject(form);
  const parsed = parseForm(TranslationFormSchema, form);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const actor = webBountyActor(user);
  const page = `/tutorials/${source.slug}/translations/${lang}`;
  return answerDomainErrors(
    () => {
      if (translation) {
        const revision = reviseTutorial(db, actor, translation.id, parsed.data);
        return redirectWithMessage(page, `Saved as revision ${revision.number}, made from the original's newest revision.`);
      }
      startTranslation(db, actor, source.id, lang, parsed.data);
      return redirectWithMessage(page, "Translation saved as a draft. Send it for review when it is ready.");
    },
    (error) => ({ fieldErrors: error instanceof InvalidField ? { [error.field]: error.message } : {}, values }),
  );
}

export default function EditTranslation() {
  const { source, lang, langName, exists, freshness, values } = useLoaderData<typeof loader>();
  const data = useActionData<{ fieldErrors?: Record<string, string>; values?: Record<string, string | string[]>; message?: string }>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> <Link to={`/tutorials/${source.slug}`}>{source.title}</Link>{" "}
        <span aria-hidden="true">/</span> {langName}
      </nav>
      <h1>
        {exists ? "Edit the" : "Translate into"} {langName} ({lang}){exists ? " translation" : ""}
      </h1>
      {exists ? null : <p className="lede">The form starts with the original text: replace it with your translation. It is saved as a draft.</p>}
      {freshness?.outdated && freshness.diff ? (
        <section className="section" aria-labelledby="since-heading">
          <h2 id="since-heading">What changed in the original since your translation</h2>
          <p>Saving records the original's newest revision ({freshness.sourceNow}): the translation is up to date again.</p>
          <TextDiff rows={freshness.diff.rows} caption={`Changes to the original from revision ${freshness.translatedFrom} to ${freshness.sourceNow}`} />
        </section>
      ) : null}
      <TutorialForm
        values={formValues(data?.values ?? values)}
        errors={formErrors(data)}
        submitLabel={exists ? "Save revision" : "Save draft"}
        busy={busy}
        lang={lang}
      />
    </section>
  );
}
