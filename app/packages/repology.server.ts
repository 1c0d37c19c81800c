// Repology's project API (https://repology.org/api): GET /api/v1/project/<name> answers a
// JSON array with one object per package in each repository. Its terms: one request a second
// at most, and a User-Agent that says who we are. The second holds across this process.
import { z } from "zod";
import { repologyPlace } from "../lib/distros";
import { compareVersions } from "../lib/versions";
import { conditionalGet, joinUrl, type Answer, type CachedAnswer, type SourceSettings } from "./http.server";
import type { FoundPackage } from "./found";

/** Repology's limit: one request a second. */
export const REPOLOGY_INTERVAL_MS = 1000;

let nextSlot = 0;

/** Waits for this process's next Repology slot (one a second, whoever asks). */
async function takeTurn() {
  const now = Date.now();
  const at = Math.max(now, nextSlot);
  nextSlot = at + REPOLOGY_INTERVAL_MS;
  if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
}

export function repologyProjectUrl(settings: Pick<SourceSettings, "repologyUrl">, project: string): string {
  return joinUrl(settings.repologyUrl, `/api/v1/project/${encodeURIComponent(project)}`);
}

export async function fetchRepologyProject(settings: SourceSettings, project: string, cached: CachedAnswer | null, signal?: AbortSignal): Promise<Answer> {
  await takeTurn();
  return conditionalGet(repologyProjectUrl(settings, project), cached, settings, "Repology", "application/json", signal);
}

const RepologyPackage = z.looseObject({
  repo: z.string(),
  subrepo: z.string().nullish(),
  srcname: z.string().nullish(),
  binname: z.string().nullish(),
  visiblename: z.string().nullish(),
  version: z.string().min(1),
  origversion: z.string().nullish(),
  status: z.string().nullish(),
});
const RepologyProject = z.array(RepologyPackage);
export type RepologyPackage = z.infer<typeof RepologyPackage>;

/** Null when the body is not Repology's project array. */
export function parseRepologyProject(body: string): RepologyPackage[] | null {
  try {
    const parsed = RepologyProject.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Repology marks these versions as wrong: they are not shown as anyone's package. */
const UNTRUSTED = new Set(["incorrect", "untrusted", "ignored"]);

/**
 * The packages of one software in a Repology project. A project may cover several of our
 * software (SPIRE's server and agent are one `spire` project): a binary package named after
 * one of them (`spire-server`) is that one's only; any other package (nixpkgs' single
 * `spire`) belongs to each. Repositories we do not list,
 * and versions Repology itself distrusts, are left out; of two packages with one name in
 * one repository (sub-repositories), the newer counts.
 */
export function foundInRepology(entries: RepologyPackage[], softwareSlug: string, siblings: string[], projectUrl: string): FoundPackage[] {
  const byRepo = new Map<string, RepologyPackage[]>();
  for (const e of entries) {
    if (e.status && UNTRUSTED.has(e.status)) continue;
    if (!repologyPlace(e.repo)) continue;
    byRepo.set(e.repo, [...(byRepo.get(e.repo) ?? []), e]);
  }
  const found = new Map<string, FoundPackage>();
  for (const [repo, all] of byRepo) {
    const place = repologyPlace(repo)!;
    for (const e of all.filter((e) => !e.binname || e.binname === softwareSlug || !siblings.includes(e.binname))) {
      const packageName = e.binname ?? e.srcname ?? e.visiblename ?? softwareSlug;
      const version = e.origversion ?? e.version;
      const key = `${place.distro}\0${place.release}\0${packageName}`;
      const before = found.get(key);
      if (before && (compareVersions(before.version, version) ?? 0) >= 0) continue;
      found.set(key, {
        ...place,
        packageName,
        version,
        normalized: e.origversion && e.origversion !== e.version ? e.version : null,
        status: e.status ?? null,
        url: projectUrl,
      });
    }
  }
  return [...found.values()];
}
