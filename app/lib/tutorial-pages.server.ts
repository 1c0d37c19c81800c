// What the tutorial and translation pages share: the controls a viewer gets, and the one
// action that moves either through review.
import { json, redirect } from "@remix-run/node";
import { requireUser, type SessionUser } from "../auth/session.server";
import { db } from "../db.server";
import { webBountyActor } from "../models/bounties.server";
import { isBountyReviewer, type Viewer } from "../models/permissions.server";
import { actOnTutorial, diffRevisions, getTutorial, listRevisions, mayEditTutorial, type TutorialView } from "../models/tutorials.server";
import { parseForm, readForm } from "../schemas/form";
import { TutorialActionSchema } from "../schemas/tutorials";
import { redirectWithMessage } from "./flash.server";
import { parseLanguageTag } from "./languages";
import { answerDomainErrors, badRequest, notFound } from "./responses";
import { availableTutorialIntents, type TutorialIntent } from "./tutorial-lifecycle";

export const viewerOf = (user: SessionUser | null): Viewer | null => (user ? { userId: user.id, roles: user.roles } : null);

/** Whether this viewer may edit it, and the review buttons they get. */
export function pageControls(viewer: Viewer | null, view: TutorialView): { canEdit: boolean; intents: TutorialIntent[] } {
  const isAuthor = viewer?.userId != null && view.authorIds.includes(viewer.userId);
  return {
    canEdit: mayEditTutorial(viewer, view.authorIds),
    intents: viewer ? availableTutorialIntents(view.status, { isAuthor, isReviewer: isBountyReviewer(viewer) }) : [],
  };
}

const DONE: Record<TutorialIntent, string> = {
  submit: "Sent for review: an SSC member or admin will publish it or send it back.",
  withdraw: "Withdrawn from review: it is a draft again.",
  publish: "Published: everyone can read it now.",
  send_back: "Sent back to its authors with your note.",
  unpublish: "Unpublished: only its authors and reviewers can read it now.",
};

/**
 * The review action of a tutorial or translation page (POST `intent`, `reason`), and for a
 * source tutorial `translate` with `lang`, which opens the translation's editor.
 */
export async function tutorialPageAction(request: Request, tutorialId: number, page: string, opts: { translateFrom?: string } = {}) {
  const user = await requireUser(request);
  const parsed = parseForm(TutorialActionSchema, await readForm(request));
  if (!parsed.ok) return json({ message: Object.values(parsed.fieldErrors)[0] ?? "Unknown action.", fieldErrors: parsed.fieldErrors }, { status: 400 });
  const { intent, reason, lang } = parsed.data;
  if (intent === "translate") {
    if (!opts.translateFrom) return json({ message: "Translate the tutorial from its own page.", fieldErrors: {} }, { status: 400 });
    const tag = parseLanguageTag(lang);
    if (!tag.ok) return json({ message: tag.message, fieldErrors: { lang: tag.message } }, { status: 400 });
    return redirectWithMessage(`${opts.translateFrom}/translations/${tag.tag}/edit`, `Translating into ${tag.tag}.`);
  }
  return answerDomainErrors(
    () => {
      actOnTutorial(db, webBountyActor(user), tutorialId, intent, reason || null);
      return redirectWithMessage(page, DONE[intent]);
    },
    () => ({ fieldErrors: {} }),
  );
}

/**
 * A history page's data: every revision, and the diff between `?from=` and `?to=` (revision
 * numbers; by default the newest against the one before). A number that is not a revision is a 400.
 */
export function historyData(request: Request, view: TutorialView) {
  const revisions = listRevisions(db, view.id);
  const url = new URL(request.url);
  const newest = revisions[0]?.number ?? 1;
  const pick = (name: "from" | "to", fallback: number) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === "") return fallback;
    const n = Number(raw);
    if (!/^\d{1,9}$/.test(raw) || !revisions.some((r) => r.number === n))
      throw badRequest(`${name}: "${raw.slice(0, 20)}" is not a revision of this tutorial (1 to ${newest}).`);
    return n;
  };
  const from = pick("from", Math.max(1, newest - 1));
  const to = pick("to", newest);
  return { revisions, from, to, diff: from === to ? null : diffRevisions(db, view.id, from, to) };
}

/**
 * The source tutorial and the language of a translation page's URL: 404 for an unknown
 * tutorial or a tag that is not BCP 47, a redirect to the canonical spelling ("de-ch" → "de-CH").
 */
export function translationParams(params: { slug?: string; lang?: string }, viewer: Viewer | null, suffix = "") {
  const source = getTutorial(db, viewer, params.slug ?? "");
  const tag = parseLanguageTag(params.lang ?? "");
  if (!source || !tag.ok) throw notFound("There is no such translation.");
  if (tag.tag !== params.lang) throw redirect(`/tutorials/${source.slug}/translations/${tag.tag}${suffix}`);
  return { source, lang: tag.tag };
}
