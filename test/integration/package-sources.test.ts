// Package versions from the sources, against local servers speaking Repology's, a Helm
// repository's, an OCI registry's and GitHub's wire formats (test/support/fake-sources.ts,
// built from test/fixtures/packages). The steps share one database, in order: a fresh matrix
// fills, an unchanged second sync changes nothing, an upstream release turns cells outdated,
// maintainers and sources disagree, and sources fail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { listSourceHealth } from "~/app/models/package-sources.server";
import { getMatrix, getSoftwareBySlug, listPackages, listVersionHistory } from "~/app/models/packages.server";
import { REPOLOGY_INTERVAL_MS } from "~/app/packages/repology.server";
import { summarizeErrors, syncPackages, type SyncOptions } from "~/app/packages/sync.server";
import { loader as adminLoader } from "~/app/routes/admin._index";
import { action as packageAction, loader as packageLoader } from "~/app/routes/packages.$id";
import { loader as matrixLoader } from "~/app/routes/packages._index";
import { loader as feedLoader } from "~/app/routes/packages.maintainers.$username_.feed[.]atom";
import { action as newAction } from "~/app/routes/packages.new";
import { action as softwareAction } from "~/app/routes/packages.software.$slug";
import { runCliAsync } from "../support/cli";
import { startFakeSources, type FakeSources } from "../support/fake-sources";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

const DAY = 86_400_000;
/** The first sync happens "ten days ago", so "outdated since today" can tell it from later changes. */
const EARLIER = Date.now() - 10 * DAY;
let fake: FakeSources;
const sync = (options: SyncOptions = {}) => syncPackages(db, fake.settings(), { registryName: "ghcr.io", ...options });
const cell = (software: string, distro: string, release = "") => listPackages(db, { software }).filter((p) => p.distro === distro && p.release === release);
const one = (software: string, distro: string, release = "") => {
  const found = cell(software, distro, release);
  expect(found, `${software} on ${distro} ${release}`).toHaveLength(1);
  return found[0]!;
};
const health = (source: string) => listSourceHealth(db).find((s) => s.source === source)!;
// what a sync may touch even when nothing changed: the sources' health and cached answers (and so the page cache's data version)
const digest = () => contentDigest(db.$client, ["sessions", "login_failures", "package_sources", "package_source_responses", "data_version"]);
const requestsSince = (n: number) => fake.requests.slice(n);

beforeAll(async () => {
  fake = await startFakeSources();
});
afterAll(() => fake.stop());
// a failing step must not leave a source failing for the next
afterEach(() => fake.failures.clear());

describe("syncing packages from their sources", () => {
  it("fills a fresh database's matrix from Repology, the Helm repository and the registry", async () => {
    db.$client.exec("delete from packages"); // fresh: nobody registered anything
    expect(getMatrix(db, {}).rows.every((r) => r.cells.every((c) => c.packages.length === 0))).toBe(true);

    const reports = await sync({ now: () => EARLIER });
    expect(reports.flatMap((r) => r.errors)).toEqual([]);

    // Repology: the distribution's spelling kept, its normalized version beside it
    expect(one("spire-server", "alpine", "edge")).toMatchObject({
      packageName: "spire-server",
      version: "1.15.3-r0",
      foundNormalized: "1.15.3",
      foundStatus: "newest",
      source: "repology",
      status: "newest",
      claimable: true,
      maintainer: null,
    });
    // one Repology project, two of our software: each takes its own binary package, both the shared nixpkgs one
    expect(one("spire-agent", "alpine", "edge").packageName).toBe("spire-agent");
    expect(cell("spire-agent", "alpine", "3.22")).toEqual([]);
    expect(one("spire-server", "alpine", "3.22")).toMatchObject({ version: "1.12.4-r3", foundStatus: "legacy", status: "outdated" });
    expect(one("spire-agent", "nixpkgs")).toMatchObject({ packageName: "spire", version: "1.15.3" });
    expect(one("spire-server", "arch", "aur")).toMatchObject({ packageName: "spire-bin", origin: "third-party", status: "outdated" });
    expect(one("ghostunnel", "debian", "sid").version).toBe("1.8.4-1");
    expect(one("ghostunnel", "ubuntu", "24.04").version).toBe("1.7.1-2ubuntu0.1");
    expect(one("ghostunnel", "epel", "el9").version).toBe("1.10.0-2.el9");
    // FreeBSD is not one of our distributions; the snapshot Repology ignores is nobody's version
    expect(listPackages(db).filter((p) => p.distro === "other")).toEqual([]);
    expect(listPackages(db).some((p) => p.version.includes("git"))).toBe(false);
    // Helm: the newest chart release, not the release candidate
    expect(one("spiffe-helm-charts", "helm")).toMatchObject({ packageName: "spire", version: "0.30.0", source: "helm", status: "newest" });
    // the registry: the newest full version tag, not 1.15, latest, nightly, sha-… or the rc
    expect(one("spire-server", "container")).toMatchObject({ packageName: "ghcr.io/spiffe/spire-server", version: "1.15.3", source: "oci" });
    expect(one("spire-controller-manager", "container").version).toBe("0.7.0");
    // every found package starts its history with what its source said
    const alpine = one("spire-server", "alpine", "edge");
    expect(listVersionHistory(db, alpine.id)).toEqual([
      { at: EARLIER, previousVersion: null, version: "1.15.3-r0", side: "source", source: "repology", username: null },
    ]);
    for (const source of ["github", "repology", "helm", "oci"]) expect(health(source)).toMatchObject({ lastSuccessAt: EARLIER, lastError: null, failures: 0 });

    // the registry's token handshake, and its pages followed through Link
    const tokenAsks = fake.requests.filter((r) => r.path.startsWith("/token?"));
    expect(tokenAsks.map((r) => new URL(r.path, fake.url).searchParams.get("scope"))).toContain("repository:spiffe/spire-server:pull");
    expect(fake.requests.some((r) => r.path.startsWith("/v2/spiffe/spire-server/tags/list?last="))).toBe(true);
    // every source learns who asks
    expect(new Set(fake.requests.map((r) => r.headers["user-agent"]))).toEqual(new Set([fake.settings().userAgent]));

    // and the page shows it: found in Alpine edge, no maintainer here yet
    const page = await (await call(packageLoader, `/packages/${alpine.id}`, { id: String(alpine.id) })).json();
    expect(page.pkg).toMatchObject({ source: "repology", claimable: true });
    expect(page.canClaim).toBe(false); // anonymous
  });

  it("a second sync of unchanged sources changes nothing, and asks conditionally where the source allows", async () => {
    const before = digest();
    const from = fake.requests.length;
    const reports = await sync({ now: () => EARLIER + 1000 });
    expect(reports.every((r) => r.changed === 0 && r.errors.length === 0)).toBe(true);
    expect(digest()).toBe(before);
    const sent = requestsSince(from);
    // GitHub Pages (the Helm index) and GitHub's API answer 304 to validators
    const index = sent.find((r) => r.path === "/index.yaml")!;
    expect(index.headers["if-none-match"]).toMatch(/^"[0-9a-f]{40}"$/);
    expect(index.headers["if-modified-since"]).toBe("Mon, 02 Nov 2026 09:12:41 GMT");
    expect(sent.find((r) => r.path === "/repos/spiffe/spire/releases/latest")!.headers["if-none-match"]).toBeDefined();
    expect(reports.find((r) => r.source === "helm")).toMatchObject({ requests: 1, unchanged: 1 });
    expect(reports.find((r) => r.source === "github")!.unchanged).toBe(1);
  });

  it("holds Repology to one request a second, even when two syncs overlap", { retry: 2 }, async () => {
    const from = fake.requests.length;
    await Promise.all([sync({ now: () => EARLIER + 2000 }), sync({ now: () => EARLIER + 2000 })]);
    const times = requestsSince(from)
      .filter((r) => r.path.startsWith("/api/v1/project/"))
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(6); // 3 projects × 2 syncs
    // The limiter spaces the sends a second apart. Arrival at the server wobbles with the
    // machine's load, which can shorten one gap only by lengthening another, so: no gap far
    // below a second, and the whole run never faster than a second per request after the first.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(REPOLOGY_INTERVAL_MS - 100);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * REPOLOGY_INTERVAL_MS - 20);
  });

  it("a packager claims a found package and becomes its maintainer", async () => {
    const alpine = one("spire-server", "alpine", "edge");
    const contributor = await cookieFor((await makeUser()).id);
    const before = digest();
    const refused = await call(packageAction, `/packages/${alpine.id}`, { id: String(alpine.id) }, formInit(contributor, { intent: "claim" }));
    expect(refused.status).toBe(403);
    expect(digest()).toBe(before);

    const packager = await makeUser(["packager"]);
    const res = await call(packageAction, `/packages/${alpine.id}`, { id: String(alpine.id) }, formInit(await cookieFor(packager.id), { intent: "claim" }));
    expect(res.status).toBe(302);
    expect(one("spire-server", "alpine", "edge")).toMatchObject({ maintainerUsername: packager.username, claimable: false, disagrees: false });
    const again = await call(
      packageAction,
      `/packages/${alpine.id}`,
      { id: String(alpine.id) },
      formInit(await cookieFor((await makeUser(["packager"])).id), { intent: "claim" }),
    );
    expect(again.status).toBe(409);
    expect(db.$client.prepare("select action, actor_user_id from audit_log where entity_type = 'package' and entity_id = ?").all(String(alpine.id))).toEqual([
      { action: "package.claimed", actor_user_id: packager.id },
    ]);

    // registering what a source already found claims it too, with what the packager typed
    const homebrew = one("ghostunnel", "homebrew");
    const other = await makeUser(["packager"]);
    const registered = await call(
      newAction,
      "/packages/new",
      {},
      formInit(await cookieFor(other.id), { software: "ghostunnel", distro: "homebrew", release: "", packageName: "ghostunnel", version: "1.11.3", url: "" }),
    );
    expect(registered.status).toBe(302);
    expect(registered.headers.get("location")).toBe(`/packages/${homebrew.id}`);
    expect(one("ghostunnel", "homebrew")).toMatchObject({ id: homebrew.id, maintainerUsername: other.username });
  });

  it("a new upstream release turns exactly the packages behind it outdated, at once, and tells their maintainer", async () => {
    const alpine = one("spire-server", "alpine", "edge");
    const maintainer = alpine.maintainerUsername!;
    const untouched = () => listPackages(db).filter((p) => !["spire-server", "spire-agent"].includes(p.softwareSlug));
    const othersBefore = untouched().map((p) => [p.id, p.status, p.outdatedSince]);
    expect(alpine.status).toBe("newest");

    fake.releases.set("spiffe/spire", "v1.16.0");
    const released = Date.now();
    const reports = await sync();
    expect(reports.find((r) => r.source === "github")!.changed).toBe(2); // SPIRE server and agent
    expect(getSoftwareBySlug(db, "spire-server")!.latestVersion).toBe("1.16.0");

    for (const software of ["spire-server", "spire-agent"])
      for (const p of listPackages(db, { software }).filter((p) => p.version.startsWith("1.15.3"))) {
        expect(p.status, `${p.packageName} on ${p.distro}`).toBe("outdated");
        expect(p.outdatedSince).toBeGreaterThanOrEqual(released);
      }
    // packages outdated before keep the day they fell behind; other software does not move
    expect(one("spire-server", "alpine", "3.22").outdatedSince).toBe(EARLIER);
    expect(untouched().map((p) => [p.id, p.status, p.outdatedSince])).toEqual(othersBefore);

    // "outdated since today" shows what this release left behind, and nothing older
    const today = new Date(released).toISOString().slice(0, 10);
    const matrix = await (await call(matrixLoader, `/packages?since=${today}`)).json();
    expect(matrix.matrix.rows.map((r: { software: { slug: string } }) => r.software.slug)).toEqual(["spire-server", "spire-agent"]);
    const shown = matrix.matrix.rows.flatMap((r: { cells: { packages: { id: number }[] }[] }) => r.cells.flatMap((c) => c.packages.map((p) => p.id)));
    expect(shown).toContain(alpine.id);
    expect(shown).not.toContain(one("spire-server", "alpine", "3.22").id);
    expect((await call(matrixLoader, "/packages?since=2026-02-30")).status).toBe(400);

    // the maintainer hears of it, and their feed says so
    const notes = db.$client
      .prepare("select n.title, n.link from notifications n join users u on u.id = n.user_id where u.username = ? and n.kind = 'package_outdated'")
      .all(maintainer);
    expect(notes).toEqual([{ title: "Your Alpine package of SPIRE server is outdated", link: `/packages/${alpine.id}` }]);
    const xml = await (await call(feedLoader, `/packages/maintainers/${maintainer}/feed.atom`, { username: maintainer })).text();
    expect(xml).toContain("spire-server 1.15.3-r0 on Alpine is behind upstream 1.16.0");
  });

  it("flags a maintainer's version the source contradicts, keeps theirs, and records both sides in the history", async () => {
    const alpine = one("spire-server", "alpine", "edge");
    const maintainer = (await import("~/app/models/users.server")).getUserForLogin(db, alpine.maintainerUsername!)!;
    const edit = { intent: "save", software: "spire-server", distro: "alpine", release: "edge", packageName: "spire-server", version: "1.15.2-r0", url: "" };
    expect((await call(packageAction, `/packages/${alpine.id}`, { id: String(alpine.id) }, formInit(await cookieFor(maintainer.id), edit))).status).toBe(200);
    await sync();
    expect(one("spire-server", "alpine", "edge")).toMatchObject({ version: "1.15.2-r0", foundVersion: "1.15.3-r0", disagrees: true });
    expect(listVersionHistory(db, alpine.id).map((h) => [h.previousVersion, h.version, h.side, h.source ?? h.username])).toEqual([
      ["1.15.3-r0", "1.15.2-r0", "person", maintainer.username],
      [null, "1.15.3-r0", "source", "repology"],
    ]);
    const xml = await (await call(feedLoader, `/packages/maintainers/${maintainer.username}/feed.atom`, { username: maintainer.username })).text();
    expect(xml).toContain("spire-server on Alpine: Repology reports 1.15.3-r0, you registered 1.15.2-r0");
  });

  it("a source answering 429 keeps the old data, records the error and is left alone until its Retry-After", async () => {
    const lastGood = health("repology").lastSuccessAt;
    const agent = one("spire-agent", "alpine", "edge");
    // Repology has news, but is rate limiting us
    const spire = fake.repology.get("spire") as { binname: string; repo: string; version: string; origversion: string }[];
    for (const e of spire.filter((e) => e.repo === "alpine_edge" && e.binname === "spire-agent"))
      Object.assign(e, { version: "1.16.0", origversion: "1.16.0-r0" });
    fake.failures.set("/api/v1/project/", { status: 429, retryAfter: "3600" });
    const from = fake.requests.length;
    const started = Date.now();
    const reports = await sync({ respectBackoff: true });
    expect(reports.find((r) => r.source === "repology")!.errors).toEqual(["Repology is rate limiting us (429)."]);
    // told to slow down, it asked Repology nothing more
    expect(requestsSince(from).filter((r) => r.path.startsWith("/api/v1/project/"))).toHaveLength(1);
    expect(one("spire-agent", "alpine", "edge")).toMatchObject({ version: "1.15.3-r0", updatedAt: agent.updatedAt });
    expect(health("repology")).toMatchObject({ lastSuccessAt: lastGood, lastError: "Repology is rate limiting us (429).", failures: 1 });
    expect(health("repology").retryAt).toBeGreaterThanOrEqual(started + 3_600_000);
    // admins see it
    const admin = await cookieFor((await makeUser(["admin"])).id);
    const page = await (await call(adminLoader, "/admin", {}, { headers: { Cookie: admin } })).json();
    expect(page.sources.find((s: { source: string }) => s.source === "repology")).toMatchObject({ lastError: "Repology is rate limiting us (429)." });

    // the scheduled sync leaves it alone while it backs off
    const scheduled = fake.requests.length;
    expect((await sync({ respectBackoff: true })).find((r) => r.source === "repology")!.skipped).toBe(true);
    expect(requestsSince(scheduled).some((r) => r.path.startsWith("/api/v1/project/"))).toBe(false);

    // once Repology answers again (a person runs the sync by hand), the news lands
    fake.failures.clear();
    await sync();
    expect(one("spire-agent", "alpine", "edge")).toMatchObject({ version: "1.16.0-r0", status: "newest", outdatedSince: null });
    expect(health("repology")).toMatchObject({ lastError: "Repology is rate limiting us (429).", failures: 0, retryAt: 0 });
  });

  it("a package its source no longer lists leaves the matrix, unless someone here maintains it", async () => {
    const aur = one("spire-server", "arch", "aur");
    const homebrew = one("ghostunnel", "homebrew"); // claimed above
    const spire = fake.repology.get("spire") as { repo: string }[];
    const ghostunnel = fake.repology.get("ghostunnel") as { repo: string }[];
    fake.repology.set(
      "spire",
      spire.filter((e) => e.repo !== "aur"),
    );
    fake.repology.set(
      "ghostunnel",
      ghostunnel.filter((e) => e.repo !== "homebrew"),
    );
    await sync();
    expect(cell("spire-server", "arch", "aur")).toEqual([]);
    expect(cell("spire-agent", "arch", "aur")).toEqual([]);
    expect(one("ghostunnel", "homebrew")).toMatchObject({ id: homebrew.id, version: "1.11.3" });
    // the record stays, retired, with its history
    expect(listVersionHistory(db, aur.id)).toHaveLength(1);
    // back in the repository, it is found again (a new entry: the retired one keeps its history)
    fake.repology.set("spire", spire);
    fake.repology.set("ghostunnel", ghostunnel);
    await sync();
    expect(one("spire-server", "arch", "aur").id).not.toBe(aur.id);
  });

  it("a source answering 500 keeps the old data, records the error and backs off", async () => {
    fake.helmIndex.text = fake.helmIndex.text.replace(/version: 0\.30\.0/g, "version: 0.31.0");
    fake.failures.set("/index.yaml", { status: 500 });
    const lastGood = health("helm").lastSuccessAt;
    const before = digest();
    const started = Date.now();
    await sync();
    expect(digest()).toBe(before);
    expect(one("spiffe-helm-charts", "helm").version).toBe("0.30.0");
    expect(health("helm")).toMatchObject({ lastSuccessAt: lastGood, lastError: "The Helm repository is failing (500).", failures: 1 });
    expect(health("helm").retryAt).toBeGreaterThanOrEqual(started + 15 * 60_000);
    // the matrix marks the data with its age, and that it is the last the source gave
    const matrix = await (await call(matrixLoader, "/packages")).json();
    const helm = matrix.sources.find((s: { source: string }) => s.source === "helm");
    expect(helm.lastErrorAt).toBeGreaterThan(helm.lastSuccessAt);
    fake.failures.clear();
  });
});

describe("a source's error, as the admin page shows it", () => {
  it("a source failing on every request is one line with the count, not a copy per request", async () => {
    fake.failures.set("/api/v1/project/", { status: 503 });
    const reports = await sync();
    const repology = reports.find((r) => r.source === "repology")!;
    expect(repology.requests).toBeGreaterThan(1);
    expect(repology.errors).toEqual(Array(repology.requests).fill("Repology is failing (503)."));
    expect(health("repology").lastError).toBe(`${repology.requests} of ${repology.requests} requests: Repology is failing (503).`);
  });

  it("different errors are each kept once, in the order met; one of a kind has no count", () => {
    expect(summarizeErrors(["A is failing (500).", "B was not found (404).", "A is failing (500)."], 5)).toBe(
      "2 of 5 requests: A is failing (500). B was not found (404).",
    );
    expect(summarizeErrors(["The Helm repository is failing (500)."], 1)).toBe("The Helm repository is failing (500).");
  });
});

describe("where a software is looked up", () => {
  it("admins set its names in each source; a bad name is refused naming the field, and nothing changes", async () => {
    const admin = await cookieFor((await makeUser(["admin"])).id);
    const packager = await cookieFor((await makeUser(["packager"])).id);
    const post = (cookie: string, fields: Record<string, string>) =>
      call(softwareAction, "/packages/software/spike", { slug: "spike" }, formInit(cookie, { intent: "sources", ...fields }));
    const before = digest();
    expect((await post(packager, { repologyName: "spike" })).status).toBe(403);
    const bad = await post(admin, { repologyName: "spike", imageName: "Spiffe/Spike Nexus" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).fieldErrors.imageName).toBe("Give the container image as the source spells it, e.g. spiffe/spire-server, or leave it empty.");
    expect(digest()).toBe(before);

    expect((await post(admin, { repologyName: "spike", chartName: "", imageName: "spiffe/spike-nexus" })).status).toBe(302);
    expect(getSoftwareBySlug(db, "spike")).toMatchObject({ repologyName: "spike", chartName: null, imageName: "spiffe/spike-nexus" });
    expect(db.$client.prepare("select action from audit_log where entity_type = 'software' order by id desc limit 1").get()).toEqual({
      action: "software.sources_set",
    });
    // the next sync asks for those names
    fake.images.set("spiffe/spike-nexus", ["0.4.1", "0.4.2"]);
    const from = fake.requests.length;
    await sync();
    expect(requestsSince(from).some((r) => r.path === "/api/v1/project/spike")).toBe(true);
    expect(one("spike", "container")).toMatchObject({ packageName: "ghcr.io/spiffe/spike-nexus", version: "0.4.2", status: "newest" });
  });
});

describe("Repology's own verdict", () => {
  it("stands in when there is no upstream version to compare with", async () => {
    const admin = await cookieFor((await makeUser(["admin"])).id);
    const post = await call(
      softwareAction,
      "/packages/software/spiffe-csi-driver",
      { slug: "spiffe-csi-driver" },
      formInit(admin, { intent: "sources", repologyName: "spiffe-csi", imageName: "spiffe/spiffe-csi-driver" }),
    );
    expect(post.status).toBe(302);
    expect(getSoftwareBySlug(db, "spiffe-csi-driver")!.latestVersion).toBeNull();
    fake.repology.set("spiffe-csi", [
      { repo: "nix_unstable", srcname: "spiffe-csi", binname: "spiffe-csi", visiblename: "spiffe-csi", version: "0.2.6", status: "outdated" },
      {
        repo: "alpine_edge",
        srcname: "spiffe-csi",
        binname: "spiffe-csi",
        visiblename: "spiffe-csi",
        version: "0.2.7",
        origversion: "0.2.7-r0",
        status: "newest",
      },
    ]);
    await sync();
    expect(one("spiffe-csi-driver", "nixpkgs")).toMatchObject({
      status: "outdated",
      statusReason: "Repology's verdict (outdated): The upstream version is not known yet.",
    });
    expect(one("spiffe-csi-driver", "alpine", "edge").status).toBe("newest");
    // the registry's tag has no verdict: still unknown
    expect(one("spiffe-csi-driver", "container").status).toBe("unknown");
  });
});

describe("npm run github:sync", () => {
  it("also bumps upstream versions from the latest releases, and the packages behind turn outdated", async () => {
    fake.releases.set("spiffe/spiffe-helper", "v0.12.0");
    const from = fake.requests.length;
    const result = await runCliAsync("db/cli/github-sync.ts", [], { GITHUB_TOKEN: "test-token", GITHUB_API_URL: fake.url });
    // This local GitHub speaks only releases: the issue sync's repositories fail (exit 3, each
    // named), and the releases are read all the same.
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain("does not exist or is not visible");
    expect(result.stdout).toMatch(/Read the latest releases of \d+ repositories: 1 software got a new upstream version\./);
    expect(getSoftwareBySlug(db, "spiffe-helper")!.latestVersion).toBe("0.12.0");
    expect(one("spiffe-helper", "homebrew")).toMatchObject({ version: "0.11.0", status: "outdated" });
    const asked = requestsSince(from).find((r) => r.path === "/repos/spiffe/spiffe-helper/releases/latest")!;
    expect(asked.headers.authorization).toBe("Bearer test-token");
  });
});

describe("npm run packages:sync", () => {
  it("syncs by hand against the configured sources, and says what it did", async () => {
    const result = await runCliAsync("db/cli/packages-sync.ts", [], {
      REPOLOGY_URL: fake.url,
      HELM_REPO_URL: fake.url,
      OCI_REGISTRY_URL: fake.url,
      GITHUB_API_URL: fake.url,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("repology: 5 requests (0 unchanged), 0 changed"); // Repology gives no validators: asked again, nothing new
    expect(result.stdout).toContain("helm: 1 requests (1 unchanged)");
  });
});
