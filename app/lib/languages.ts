// Languages as BCP 47 tags: validated and canonicalised by the platform's own
// Intl.getCanonicalLocales (ECMA-402), named with Intl.DisplayNames.

/** The longest tag we take (BCP 47 advises supporting at least 35 characters). */
export const LANGUAGE_TAG_MAX = 35;

/** A canonical tag ("de-ch" → "de-CH"), or the sentence saying why `raw` is not one. */
export function parseLanguageTag(raw: string): { ok: true; tag: string } | { ok: false; message: string } {
  const value = raw.trim();
  const wrong = { ok: false as const, message: `"${value.slice(0, LANGUAGE_TAG_MAX)}" is not a language tag: use a BCP 47 tag such as de, pt-BR or zh-Hant.` };
  if (!value) return { ok: false, message: "Fill in the language (a BCP 47 tag such as de, pt-BR or zh-Hant)." };
  if (value.length > LANGUAGE_TAG_MAX || !/^[A-Za-z0-9-]+$/.test(value)) return wrong;
  try {
    const [tag] = Intl.getCanonicalLocales(value);
    if (!tag || tag === "und") return wrong;
    return { ok: true, tag };
  } catch {
    return wrong;
  }
}

const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });

/** "de-CH" → "Swiss High German" (English names, the site's language). */
export function languageName(tag: string): string {
  try {
    return names.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * The languages an `Accept-Language` header asks for (RFC 9110 §12.5.4), best first, as
 * canonical tags; `*`, q=0 and malformed entries are left out, and at most 10 are read.
 */
export function parseAcceptLanguage(header: string | null): string[] {
  if (!header) return [];
  const entries = header
    .slice(0, 1000)
    .split(",")
    .slice(0, 10)
    .map((part, index) => {
      const [range = "", ...params] = part.trim().split(";");
      // A weight that is there but is not a qvalue (0 to 1, at most three decimals) makes the entry malformed.
      const weight = params.find((p) => /^\s*q\s*=/i.test(p));
      const q = weight === undefined ? 1 : Number(/^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(weight)?.[1] ?? Number.NaN);
      const parsed = parseLanguageTag(range);
      return { tag: parsed.ok ? parsed.tag : null, q: q <= 1 ? q : Number.NaN, index };
    })
    .filter((e): e is { tag: string; q: number; index: number } => e.tag !== null && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return [...new Set(entries.map((e) => e.tag))];
}

const primary = (tag: string) => tag.split("-")[0]!.toLowerCase();

/**
 * Of `available` tags, those the reader asked for, in the reader's order: an exact match
 * first, then the same primary language ("de" asks for "de-CH" too, and "de-AT" for "de").
 */
export function matchLanguages(accepted: string[], available: string[]): string[] {
  const out: string[] = [];
  for (const want of accepted) {
    const exact = available.find((tag) => tag.toLowerCase() === want.toLowerCase());
    const candidates = exact ? [exact] : available.filter((tag) => primary(tag) === primary(want));
    for (const tag of candidates) if (!out.includes(tag)) out.push(tag);
  }
  return out;
}
