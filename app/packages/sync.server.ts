// One polite sync of every package source, in order: GitHub releases first (the upstream
// versions the others are compared with), then Repology, the Helm repository and the OCI
// registry. Each request is conditional on the last good answer; an unchanged answer is read
// again from the cache, so data for software newly pointed at a name still lands. A source
// that fails keeps what it said last and records the error; the scheduled job then leaves it
// alone until its backoff (or its Retry-After) is over.
import { applyFound, getCachedAnswer, isBackingOff, recordSourceRun, saveAnswer } from "../models/package-sources.server";
import { applyUpstreamRelease, listSoftware } from "../models/packages.server";
import { fetchLatestRelease, latestReleaseUrl, parseLatestRelease } from "./github.server";
import { fetchHelmIndex, foundInHelm, helmIndexUrl, parseHelmIndex } from "./helm.server";
import { joinUrl, type Answer, type SourceSettings } from "./http.server";
import { fetchImageTags, foundInRegistry, ociTagsUrl, parseImageTags } from "./oci.server";
import { fetchRepologyProject, foundInRepology, parseRepologyProject, repologyProjectUrl } from "./repology.server";
import type { Db } from "../db.server";
import type { Env } from "../env.server";
import type { PackageSource } from "../lib/vocabulary";

export interface SourceReport {
  source: PackageSource;
  /** Skipped: backing off after errors. */
  skipped: boolean;
  requests: number;
  unchanged: number;
  /** Packages (or upstream versions) that changed. */
  changed: number;
  errors: string[];
}

export interface SyncOptions {
  /** The scheduled job honours each source's backoff; a person running the sync by hand does not. */
  respectBackoff?: boolean;
  signal?: AbortSignal;
  /** How the registry's images are named in the matrix (`ghcr.io`); defaults to the registry URL's host. */
  registryName?: string;
  /** The time changes are recorded at (tests pass their own clock). */
  now?: () => number;
  /** Only these sources (`npm run github:sync` asks GitHub's releases alone). */
  only?: PackageSource[];
}

/** The settings from the environment. */
export function sourceSettingsFrom(env: Env): SourceSettings {
  return {
    repologyUrl: env.REPOLOGY_URL,
    helmRepoUrl: env.HELM_REPO_URL,
    ociRegistryUrl: env.OCI_REGISTRY_URL,
    githubApiUrl: env.GITHUB_API_URL,
    githubToken: env.GITHUB_TOKEN ?? null,
    userAgent: `club-zero-packages/1.0 (SPIFFE community bounty board; ${env.APP_ORIGIN}; one request a second to Repology)`,
  };
}

type Software = ReturnType<typeof listSoftware>[number];

/** Names in one source, each with the software that bears it (SPIRE's server and agent share Repology's `spire`). */
function byName(all: Software[], name: (s: Software) => string | null): Map<string, Software[]> {
  const map = new Map<string, Software[]>();
  for (const s of all) {
    const n = name(s);
    if (n) map.set(n, [...(map.get(n) ?? []), s]);
  }
  return map;
}

/**
 * A run's errors as the admin page shows them: each different one once, in the order met, with
 * how many of the run's requests it was when more than one ("9 of 9 requests: GitHub could not
 * be reached."), so a source that is down reads as one line and not nine copies of it.
 */
export function summarizeErrors(errors: string[], requests: number): string {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(e, (counts.get(e) ?? 0) + 1);
  return [...counts].map(([error, n]) => (n > 1 ? `${n} of ${requests} requests: ${error}` : error)).join(" ");
}

export async function syncPackages(db: Db, settings: SourceSettings, options: SyncOptions = {}): Promise<SourceReport[]> {
  const registryName = options.registryName ?? new URL(settings.ociRegistryUrl).host;
  const now = options.now ?? Date.now;
  const reports: SourceReport[] = [];

  /** Runs one source: asks each URL, applies each good answer, records how it went. */
  async function run(
    source: PackageSource,
    requests: {
      url: string;
      fetch: (cached: ReturnType<typeof getCachedAnswer>) => Promise<Answer>;
      apply: (body: string) => number | string;
      /** A 404 means "nothing here" (a repository without releases), not a wrong name. */
      missingIsEmpty?: boolean;
    }[],
  ) {
    if (options.only && !options.only.includes(source)) return;
    const report: SourceReport = { source, skipped: false, requests: 0, unchanged: 0, changed: 0, errors: [] };
    reports.push(report);
    if (requests.length === 0) return;
    if (options.respectBackoff && isBackingOff(db, source, now())) {
      report.skipped = true;
      return;
    }
    let retryAfterMs: number | null = null;
    for (const r of requests) {
      if (options.signal?.aborted) break;
      const cached = getCachedAnswer(db, r.url);
      report.requests++;
      const answer = await r.fetch(cached);
      if (answer.kind === "failed") {
        report.errors.push(answer.message);
        if (answer.retryAfterMs !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, answer.retryAfterMs);
        // told to slow down: ask this source nothing more in this run
        if (answer.status === 429) break;
        continue;
      }
      if (answer.kind === "missing") {
        if (r.missingIsEmpty) continue;
        report.errors.push(`${r.url} was not found (404): check the name on the software's page.`);
        continue;
      }
      if (answer.kind === "unchanged") report.unchanged++;
      const outcome = r.apply(answer.body);
      if (typeof outcome === "string") {
        report.errors.push(outcome);
        continue;
      }
      // keep the answer only once it was understood, so a garbled one is asked for again
      if (answer.kind === "fresh") saveAnswer(db, source, r.url, answer, now());
      report.changed += outcome;
    }
    // a run cut short (the job lost its lease, the server stops) is no verdict on the source
    if (options.signal?.aborted) return;
    recordSourceRun(db, source, { error: report.errors.length > 0 ? summarizeErrors(report.errors, report.requests) : null, retryAfterMs }, now());
  }

  const software = listSoftware(db);

  const repos = [...new Set(software.map((s) => s.repo).filter((r): r is string => Boolean(r)))];
  await run(
    "github",
    repos.map((repo) => ({
      url: latestReleaseUrl(settings, repo),
      missingIsEmpty: true,
      fetch: (cached) => fetchLatestRelease(settings, repo, cached, options.signal),
      apply: (body) => {
        const tag = parseLatestRelease(body);
        // a draft or pre-release marked latest: nothing to compare with
        return tag ? applyUpstreamRelease(db, repo, tag, now()) : 0;
      },
    })),
  );

  await run(
    "repology",
    [...byName(software, (s) => s.repologyName)].map(([project, bearers]) => ({
      url: repologyProjectUrl(settings, project),
      fetch: (cached) => fetchRepologyProject(settings, project, cached, options.signal),
      apply: (body) => {
        const entries = parseRepologyProject(body);
        if (!entries) return `Repology's answer for ${project} was not its project format.`;
        const page = joinUrl(settings.repologyUrl, `/project/${encodeURIComponent(project)}/versions`);
        return bearers.reduce(
          (n, s) =>
            n +
            applyFound(
              db,
              "repology",
              s.id,
              foundInRepology(
                entries,
                s.slug,
                bearers.map((b) => b.slug),
                page,
              ),
              now(),
            ),
          0,
        );
      },
    })),
  );

  const charts = byName(software, (s) => s.chartName);
  await run(
    "helm",
    charts.size === 0
      ? []
      : [
          {
            url: helmIndexUrl(settings),
            fetch: (cached) => fetchHelmIndex(settings, cached, options.signal),
            apply: (body) => {
              const index = parseHelmIndex(body);
              if (!index) return "The Helm repository's index.yaml was not a chart index.";
              let n = 0;
              for (const [chart, bearers] of charts) for (const s of bearers) n += applyFound(db, "helm", s.id, foundInHelm(index, chart, settings), now());
              return n;
            },
          },
        ],
  );

  await run(
    "oci",
    [...byName(software, (s) => s.imageName)].map(([image, bearers]) => ({
      url: ociTagsUrl(settings, image),
      fetch: (cached) => fetchImageTags(settings, image, cached, options.signal),
      apply: (body) => {
        const tags = parseImageTags(body);
        if (!tags) return `The registry's tag list for ${image} was not readable.`;
        return bearers.reduce((n, s) => n + applyFound(db, "oci", s.id, foundInRegistry(tags, image, registryName), now()), 0);
      },
    })),
  );
  return reports;
}
