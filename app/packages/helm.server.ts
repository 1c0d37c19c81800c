// A Helm chart repository: GET <repo>/index.yaml, a YAML document whose `entries` map each
// chart's name to its published versions (name, version, appVersion, created, urls, …).
// GitHub Pages, where the SPIFFE charts live, answers conditional requests.
import { parse } from "yaml";
import { z } from "zod";
import { compareVersions, parseVersion } from "../lib/versions";
import { conditionalGet, joinUrl, type Answer, type CachedAnswer, type SourceSettings } from "./http.server";
import type { FoundPackage } from "./found";

export function helmIndexUrl(settings: Pick<SourceSettings, "helmRepoUrl">): string {
  return joinUrl(settings.helmRepoUrl, "/index.yaml");
}

export function fetchHelmIndex(settings: SourceSettings, cached: CachedAnswer | null, signal?: AbortSignal): Promise<Answer> {
  return conditionalGet(helmIndexUrl(settings), cached, settings, "The Helm repository", "application/yaml, text/yaml, */*", signal);
}

const ChartVersion = z.looseObject({
  name: z.string(),
  version: z.coerce.string(),
  appVersion: z.coerce.string().nullish(),
  deprecated: z.boolean().nullish(),
  urls: z.array(z.string()).nullish(),
});
const HelmIndex = z.looseObject({ apiVersion: z.string(), entries: z.record(z.string(), z.array(ChartVersion)).nullish() });
export type HelmIndex = z.infer<typeof HelmIndex>;

/** Null when the body is not a chart repository index. */
export function parseHelmIndex(body: string): HelmIndex | null {
  try {
    // an index has no use for aliases; refusing them keeps a hostile one from blowing up
    const parsed = HelmIndex.safeParse(parse(body, { maxAliasCount: 0 }));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The chart's newest release (pre-releases and deprecated versions left out), as a Helm package; empty when the index has none. */
export function foundInHelm(index: HelmIndex, chart: string, settings: Pick<SourceSettings, "helmRepoUrl">): FoundPackage[] {
  let best: z.infer<typeof ChartVersion> | null = null;
  for (const v of index.entries?.[chart] ?? []) {
    const parsed = parseVersion(v.version);
    if (!parsed || parsed.prerelease || v.deprecated) continue;
    if (!best || (compareVersions(v.version, best.version) ?? 0) > 0) best = v;
  }
  if (!best) return [];
  return [
    {
      distro: "helm",
      release: "",
      packageName: chart,
      version: best.version,
      normalized: null,
      status: null,
      origin: "distribution",
      url: best.urls?.[0] ? new URL(best.urls[0], joinUrl(settings.helmRepoUrl, "/")).href : helmIndexUrl(settings),
    },
  ];
}
