import { db } from "../db.server";
import { env } from "../env.server";
import { formatAtomFeed } from "../lib/atom";
import { languageName, parseLanguageTag } from "../lib/languages";
import { badRequest } from "../lib/responses";
import { SOURCE_LANGUAGE } from "../lib/vocabulary";
import { listNewlyPublished } from "../models/tutorials.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

/** Newly published tutorials; `?lang=de` for their published translations into German. */
export function loader({ request }: LoaderFunctionArgs) {
  const raw = new URL(request.url).searchParams.get("lang");
  const tag = raw ? parseLanguageTag(raw) : null;
  if (tag && !tag.ok) throw badRequest(`lang: ${tag.message}`);
  const lang = tag?.ok && tag.tag !== SOURCE_LANGUAGE ? tag.tag : undefined;
  const origin = env.APP_ORIGIN;
  const self = `${origin}/tutorials.atom${lang ? `?lang=${lang}` : ""}`;
  const page = (slug: string, l: string) => `${origin}/tutorials/${slug}${l === SOURCE_LANGUAGE ? "" : `/translations/${l}`}`;
  const xml = formatAtomFeed({
    id: self,
    title: lang ? `Club Zero: new tutorials in ${languageName(lang)}` : "Club Zero: new tutorials",
    url: `${origin}/tutorials${lang ? `?lang=${lang}` : ""}`,
    selfUrl: self,
    entries: listNewlyPublished(db, lang).map((t) => ({
      id: page(t.slug, t.lang),
      title: `${t.title} (${t.targets.map((x) => x.name).join(", ")})`,
      url: page(t.slug, t.lang),
      updated: t.firstPublishedAt ?? 0,
      summary: t.summary,
    })),
  });
  return new Response(xml, { headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
