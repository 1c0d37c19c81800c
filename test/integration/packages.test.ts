import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { readFlash } from "~/app/lib/flash.server";
import { listAudit } from "~/app/models/audit.server";
import { getBounty, webBountyActor } from "~/app/models/bounties.server";
import { ensureIssuePlaceholder, getRelease, recordRelease } from "~/app/models/github.server";
import {
  assertCanEditPackage,
  getMatrix,
  getSoftwareBySlug,
  listPackages,
  registerPackage,
  requestPackaging,
  retirePackage,
  setLatestVersion,
  setSourceNames,
} from "~/app/models/packages.server";
import { loader as apiPackages } from "~/app/routes/api.packages";
import { action as packageAction, loader as packageLoader } from "~/app/routes/packages.$id";
import { action as matrixAction, loader as matrixLoader } from "~/app/routes/packages._index";
import { loader as feedLoader } from "~/app/routes/packages.maintainers.$username_.feed[.]atom";
import { action as newAction, loader as newLoader } from "~/app/routes/packages.new";
import { action as softwareAction } from "~/app/routes/packages.software.$slug";
import { applyRepo, deliveryHeaders, example } from "../support/github-webhooks";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";
import { webhook } from "../support/webhook-endpoint";

const count = () => (db.$client.prepare("select count(*) as n from packages").get() as { n: number }).n;
const register = async (cookie: string, fields: Record<string, string>) => call(newAction, "/packages/new", {}, formInit(cookie, fields));
const alpine = {
  software: "spire-server",
  distro: "alpine",
  release: "3.20",
  packageName: "spire-server",
  version: "1.14.0-r0",
  url: "https://pkgs.alpinelinux.org/package/v3.20/community/x86_64/spire-server",
};

describe("the matrix", () => {
  it("shows the seeded packages with their status against upstream, and the gaps", () => {
    const { rows } = getMatrix(db, {});
    const spire = rows.find((r) => r.software.slug === "spire-server")!;
    const cell = (d: string) => spire.cells.find((c) => c.distro === d)!;
    expect(cell("container").packages[0]).toMatchObject({ version: "1.15.3", status: "newest" });
    expect(cell("wolfi").packages[0]).toMatchObject({ version: "1.6.4", status: "outdated" });
    expect(cell("nixpkgs").packages[0]).toMatchObject({ version: "1.14.1", status: "outdated" });
    for (const d of ["alpine", "fedora", "arch", "homebrew"]) expect(cell(d).missing, d).toBe(true);
  });

  it("filters by status: missing shows only software with gaps, outdated only outdated packages", () => {
    const outdated = getMatrix(db, { status: "outdated" });
    for (const row of outdated.rows) for (const c of row.cells) for (const p of c.packages) expect(p.status).toBe("outdated");
    const missing = getMatrix(db, { status: "missing", distro: "alpine" });
    expect(missing.distros).toEqual(["alpine"]);
    expect(missing.rows.map((r) => r.software.slug)).toContain("spire-server");
  });

  it("a bad filter is a 400 naming it", async () => {
    const res = await call(matrixLoader, "/packages?distro=gentoo");
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toContain('"gentoo" is not a valid distro');
  });
});

describe("registering", () => {
  it("a contributor cannot register a package (403) and nothing is written", async () => {
    const cookie = await cookieFor((await makeUser()).id);
    const before = count();
    expect((await call(newLoader, "/packages/new", {}, { headers: { Cookie: cookie } })).status).toBe(403);
    expect((await register(cookie, alpine)).status).toBe(403);
    expect(count()).toBe(before);
  });

  it.each([
    ["a bad URL", { url: "ftp://example.org/pkg" }, "url", "full http(s) URL"],
    ["an unknown distribution", { distro: "gentoo" }, "distro", "Choose a distribution from the list."],
    ["an empty version", { version: "  " }, "version", "Give the packaged version"],
    ["a version that is not one", { version: "latest!! 🙂" }, "version", "letters, digits and . + ~ : _ ^ - only"],
    ["a version with a space", { version: "1.15.0 beta" }, "version", "as the distribution writes it"],
    ["unknown software", { software: "not-a-thing" }, "software", "Choose the software from the list."],
  ])("refuses %s with a message on the field, writing nothing", async (_name, override, field, message) => {
    const cookie = await cookieFor((await makeUser(["packager"])).id);
    const before = count();
    const res = await register(cookie, { ...alpine, ...override });
    expect(res.status).toBe(400);
    expect((await res.json()).fieldErrors[field]).toContain(message);
    expect(count()).toBe(before);
  });

  it("a packager registers spire-server 1.14.0 for Alpine: outdated against upstream 1.15.x, and in their feed", async () => {
    const packager = await makeUser(["packager"]);
    const res = await register(await cookieFor(packager.id), alpine);
    expect(res.status).toBe(302);
    const mine = listPackages(db, { maintainer: packager.username });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      distro: "alpine",
      version: "1.14.0-r0",
      upstreamVersion: "1.15.3",
      status: "outdated",
      maintainer: `@${packager.username}`,
    });
    const cell = getMatrix(db, { software: "spire-server", distro: "alpine" }).rows[0]!.cells[0]!;
    expect(cell.missing).toBe(false);
    const xml = await (await call(feedLoader, `/packages/maintainers/${packager.username}/feed.atom`, { username: packager.username })).text();
    expect(xml).toContain("spire-server 1.14.0-r0 on Alpine is behind upstream 1.15.3");

    const again = await register(await cookieFor((await makeUser(["packager"])).id), alpine);
    expect(again.status).toBe(409);
    expect((await again.json()).duplicateId).toBe(mine[0]!.id);
    expect(listPackages(db, { software: "spire-server", distro: "alpine" })).toHaveLength(1);
  });

  it("another packager cannot edit or retire someone else's package; the maintainer and admins can", async () => {
    const owner = await makeUser(["packager"]);
    await register(await cookieFor(owner.id), { ...alpine, release: "3.21", version: "1.15.3-r0" });
    const pkg = listPackages(db, { maintainer: owner.username })[0]!;
    const other = await cookieFor((await makeUser(["packager"])).id);
    const edit = { ...alpine, release: "3.21", version: "1.15.4-r0", intent: "save" };
    expect((await call(packageAction, `/packages/${pkg.id}`, { id: String(pkg.id) }, formInit(other, edit))).status).toBe(403);
    expect((await call(packageAction, `/packages/${pkg.id}`, { id: String(pkg.id) }, formInit(other, { intent: "retire" }))).status).toBe(403);
    expect((await call(packageAction, `/packages/${pkg.id}`, { id: String(pkg.id) }, formInit(await cookieFor(owner.id), edit))).status).toBe(200);
    expect(listPackages(db, { maintainer: owner.username })[0]!.version).toBe("1.15.4-r0");
    const admin = await cookieFor((await makeUser(["admin"])).id);
    expect((await call(packageAction, `/packages/${pkg.id}`, { id: String(pkg.id) }, formInit(admin, { intent: "retire" }))).status).toBe(302);
    expect(listPackages(db, { maintainer: owner.username })).toHaveLength(0);
    const audit = db.$client.prepare("select action from audit_log where entity_type = 'package' and entity_id = ? order by id").all(String(pkg.id));
    expect(audit).toEqual([{ action: "package.registered" }, { action: "package.updated" }, { action: "package.retired" }]);
  });
});

describe("upstream versions", () => {
  it("an admin's version bump turns a newest package outdated", async () => {
    const packager = await makeUser(["packager"]);
    await register(await cookieFor(packager.id), { software: "spiffe-helper", distro: "arch", packageName: "spiffe-helper", version: "0.11.0-1" });
    expect(listPackages(db, { maintainer: packager.username })[0]!.status).toBe("newest");
    const admin = await cookieFor((await makeUser(["admin"])).id);
    expect((await call(softwareAction, "/packages/software/spiffe-helper", { slug: "spiffe-helper" }, formInit(admin, { version: "v0.12.0" }))).status).toBe(
      302,
    );
    expect(getSoftwareBySlug(db, "spiffe-helper")!.latestVersion).toBe("0.12.0");
    expect(listPackages(db, { maintainer: packager.username })[0]!.status).toBe("outdated");
  });

  it("a published release webhook on the upstream repository updates the latest version", async () => {
    const payload = example("release", "published");
    applyRepo(payload, "spiffe/spire-controller-manager");
    Object.assign(payload.release, { tag_name: "v0.8.0", draft: false, prerelease: false, published_at: "2026-11-01T00:00:00Z" });
    const body = JSON.stringify(payload);
    const res = await call(
      webhook,
      "/webhooks/github",
      {},
      { method: "POST", headers: deliveryHeaders("release", body, process.env.GITHUB_WEBHOOK_SECRET!, crypto.randomUUID()), body },
    );
    expect(res.status).toBe(200);
    expect(getSoftwareBySlug(db, "spire-controller-manager")!.latestVersion).toBe("0.8.0");
    const container = listPackages(db, { software: "spire-controller-manager", distro: "container" })[0]!;
    expect(container).toMatchObject({ version: "0.7.0", status: "outdated" });
  });
});

describe("requesting packaging", () => {
  it("opens one packaging bounty for a missing cell on the software's target, for packagers and distributions", async () => {
    const packager = await makeUser(["packager"]);
    const res = await call(
      matrixAction,
      "/packages",
      {},
      formInit(await cookieFor(packager.id), { intent: "request", software: "spire-server", distro: "arch" }),
    );
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    expect(getBounty(db, id)).toMatchObject({
      title: "Package SPIRE server for Arch / AUR",
      kind: "packaging",
      status: "open",
      personas: ["distro", "packager"],
      target: { slug: "spire" },
    });
    const again = requestPackaging(db, webBountyActor(await makeUser()), "spire-server", "arch");
    expect(again).toEqual({ id, created: false, proposed: false });
  });

  it("a contributor's request is a proposal for the SSC, and the message says it waits for one", async () => {
    const res = await call(
      matrixAction,
      "/packages",
      {},
      formInit(await cookieFor((await makeUser()).id), { intent: "request", software: "ghostunnel", distro: "fedora" }),
    );
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    expect(getBounty(db, id)!.status).toBe("proposed");
    // the page it lands on reads the message from the flash cookie, as the browser would send it back
    const told = readFlash(new Request("http://localhost/", { headers: { Cookie: res.headers.get("set-cookie")!.split(";")[0]! } }));
    expect(told).toEqual({ tone: "ok", message: "Packaging requested: the proposal is on the bounty board once an SSC member or admin accepts it." });
    expect(requestPackaging(db, webBountyActor(await makeUser()), "ghostunnel", "fedora")).toEqual({ id, created: false, proposed: true });
  });
});

describe("/api/packages", () => {
  it("lists software with upstream versions and packages with status", async () => {
    const data = await (await call(apiPackages, "/api/packages?software=spire-server&status=outdated")).json();
    expect(data.software.find((s: { slug: string }) => s.slug === "spire-server").latestVersion).toBe("1.15.3");
    expect(data.packages.length).toBeGreaterThan(0);
    for (const p of data.packages) expect(p).toMatchObject({ softwareSlug: "spire-server", status: "outdated" });
  });
});

describe("packages that tell the truth", () => {
  it("marks spire-examples' seeded packages as a third party's repository, and the distributions' own as theirs", () => {
    const seeded = listPackages(db);
    const debian = seeded.find((p) => p.softwareSlug === "spire-server" && p.distro === "debian")!;
    expect(debian.origin).toBe("third-party");
    const wolfi = seeded.find((p) => p.softwareSlug === "spire-server" && p.distro === "wolfi")!;
    expect(wolfi.origin).toBe("distribution");
  });

  it("offers no packaging request where it makes no sense (a Helm chart for Debian), and the server refuses one", async () => {
    const { rows } = getMatrix(db, {});
    const charts = rows.find((r) => r.software.slug === "spiffe-helm-charts")!;
    const debian = charts.cells.find((c) => c.distro === "debian")!;
    expect(debian).toMatchObject({ missing: false, notApplicable: true, packages: [] });
    const gaps = getMatrix(db, { status: "missing" }).rows.find((r) => r.software.slug === "spiffe-helm-charts");
    expect(gaps?.cells.find((c) => c.distro === "debian")?.missing ?? false).toBe(false);

    const cookie = await cookieFor((await makeUser(["packager"])).id);
    const before = (db.$client.prepare("select count(*) as n from bounties").get() as { n: number }).n;
    const res = await call(matrixAction, "/packages", {}, formInit(cookie, { intent: "request", software: "spiffe-helm-charts", distro: "debian" }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toBe("SPIFFE Helm charts (hardened) is not the kind of software Debian packages.");
    expect((db.$client.prepare("select count(*) as n from bounties").get() as { n: number }).n).toBe(before);
  });

  it("status=outdated shows outdated packages and no missing cells", () => {
    const { rows } = getMatrix(db, { status: "outdated" });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) for (const cell of row.cells) expect(cell.missing, `${row.software.slug} ${cell.distro}`).toBe(false);
  });

  it("registering a package says so on the package's own page", async () => {
    const cookie = await cookieFor((await makeUser(["packager"])).id);
    const res = await register(cookie, { ...alpine, release: "3.22", origin: "third-party" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/packages\/\d+$/);
    expect(res.headers.get("set-cookie")).toMatch(/flash=/);
    const id = Number(res.headers.get("location")!.split("/").at(-1));
    expect(listPackages(db).find((p) => p.id === id)?.origin).toBe("third-party");
  });
});

describe("a listed package with nobody here maintaining it", () => {
  it("offers packagers to claim it, and the one who does becomes its maintainer", async () => {
    const seeded = db.$client
      .prepare("select id from packages where maintainer_user_id is null and source is null order by id limit 1")
      .pluck()
      .get() as number;
    expect(seeded).toBeGreaterThan(0);
    const packager = await makeUser(["packager"]);
    const cookie = await cookieFor(packager.id);
    const page = await call(packageLoader, `/packages/${seeded}`, { id: String(seeded) }, { headers: { Cookie: cookie } });
    expect(await page.json()).toMatchObject({ canClaim: true, pkg: { claimable: true, source: null } });
    const anonymous = await call(packageLoader, `/packages/${seeded}`, { id: String(seeded) });
    expect(await anonymous.json()).toMatchObject({ canClaim: false });

    const res = await call(packageAction, `/packages/${seeded}`, { id: String(seeded) }, formInit(cookie, { intent: "claim" }));
    expect(res.status).toBe(302);
    expect(db.$client.prepare("select maintainer_user_id from packages where id = ?").pluck().get(seeded)).toBe(packager.id);
  });
});

describe("packages, in the model", () => {
  const auditOf = (entityType: string, id: number, action: string) => listAudit(db, { entityType, entityId: String(id) }).find((a) => a.action === action);

  it("a packaging request says what to do and the latest release, and tells whoever packages the software elsewhere, not the one asking", async () => {
    const elsewhere = await makeUser(["packager"]);
    const asker = await makeUser(["packager"]);
    const sw = getSoftwareBySlug(db, "spire-agent")!;
    registerPackage(db, webBountyActor(elsewhere), {
      softwareId: sw.id,
      distro: "debian",
      release: "trixie",
      packageName: "spire-agent",
      version: "1.0.0-1",
      url: null,
      notes: null,
      origin: "distribution",
    });
    const result = requestPackaging(db, webBountyActor(asker), "spire-agent", "homebrew");
    expect(result).toMatchObject({ created: true, proposed: false }); // a packager's request is on the board at once
    const bounty = getBounty(db, result.id)!;
    const latest = getSoftwareBySlug(db, "spire-agent")!.latestVersion;
    expect(bounty.description).toBe(
      `There is no Homebrew package of ${sw.name} registered in Club Zero.\n\n` +
        `Package it (or, as a packager here, [register the package](/packages/new) if it exists), following Homebrew's packaging guidelines, ` +
        `and submit a link to the package or the packaging pull request.${latest ? ` The latest upstream release is ${latest}.` : ""}`,
    );
    expect(bounty.personas).toEqual(["distro", "packager"]);
    const told = (userId: number) =>
      db.$client.prepare("select kind, title, body, link from notifications where user_id = ? and kind = 'packaging_requested'").all(userId);
    expect(told(elsewhere.id)).toEqual([
      {
        kind: "packaging_requested",
        title: `Packaging requested: Package ${sw.name} for Homebrew`,
        body: `@${asker.username} asked for a Homebrew package of ${sw.name}, which you package elsewhere.`,
        link: `/bounties/${result.id}`,
      },
    ]);
    expect(told(asker.id)).toEqual([]);
    expect(() => requestPackaging(db, webBountyActor(asker), "no-such-software", "debian")).toThrow("There is no such software.");
  });

  it("only admins set where a software is looked up and its upstream version, each with what it was before and after", async () => {
    const admin = webBountyActor(await makeUser(["admin"]));
    const packager = webBountyActor(await makeUser(["packager"]));
    const sw = getSoftwareBySlug(db, "ghostunnel")!;
    const names = { repologyName: "ghostunnel-x", chartName: null, imageName: "ghostunnel/ghostunnel" };
    expect(() => setSourceNames(db, packager, sw.id, names)).toThrow("Only admins can change where a software is looked up.");
    expect(() => setSourceNames(db, admin, 999_999, names)).toThrow("There is no such software.");
    setSourceNames(db, admin, sw.id, names);
    const sources = auditOf("software", sw.id, "software.sources_set")!;
    expect(JSON.parse(sources.beforeJson!)).toEqual({ repologyName: sw.repologyName, chartName: sw.chartName, imageName: sw.imageName });
    expect(JSON.parse(sources.afterJson!)).toEqual(names);

    expect(() => setLatestVersion(db, packager, sw.id, "v9.9.9")).toThrow("Only admins can change upstream versions.");
    expect(() => setLatestVersion(db, admin, 999_999, "v9.9.9")).toThrow("There is no such software.");
    setLatestVersion(db, admin, sw.id, "v9.9.9");
    const version = auditOf("software", sw.id, "software.version_set")!;
    expect(JSON.parse(version.beforeJson!)).toEqual({ latestVersion: sw.latestVersion });
    expect(JSON.parse(version.afterJson!)).toEqual({ latestVersion: "v9.9.9" });
    expect(getSoftwareBySlug(db, "ghostunnel")!.latestVersion).toBe("v9.9.9");
  });

  it("a package that is retired or does not exist is not found; only its maintainer or an admin may change it", async () => {
    const owner = webBountyActor(await makeUser(["packager"]));
    const other = webBountyActor(await makeUser(["packager"]));
    const sw = getSoftwareBySlug(db, "spiffe-helper")!;
    const pkg = registerPackage(db, owner, {
      softwareId: sw.id,
      distro: "fedora",
      release: "41",
      packageName: "spiffe-helper",
      version: "0.1-1",
      url: null,
      notes: null,
      origin: "distribution",
    });
    expect(() => assertCanEditPackage(db, other, pkg.id)).toThrow("Only the package's maintainer or an admin can change it.");
    expect(() => assertCanEditPackage(db, owner, pkg.id)).not.toThrow();
    retirePackage(db, owner, pkg.id);
    expect(() => assertCanEditPackage(db, owner, pkg.id)).toThrow("There is no such package.");
    expect(() => assertCanEditPackage(db, owner, 999_999)).toThrow("There is no such package.");
    const archPackage = { distro: "arch", release: "rolling", packageName: "x", version: "1", url: null, notes: null, origin: "distribution" } as const;
    const contributor = webBountyActor(await makeUser());
    expect(() => registerPackage(db, contributor, { softwareId: sw.id, ...archPackage })).toThrow("Only packagers can register packages.");
    expect(() => registerPackage(db, owner, { softwareId: 999_999, ...archPackage })).toThrow("There is no such software.");
  });
});

describe("upstream releases, in the model", () => {
  const release = (repo: string, tag: string, publishedAt: number) => ({
    repo,
    tag,
    name: tag,
    url: `https://github.com/${repo}/releases/tag/${tag}`,
    publishedAt,
  });

  it("the newest version is the latest: a backport published later does not replace it, and the same tag counts only when newer", () => {
    const repo = "Acme/Release-Order";
    expect(recordRelease(db, release(repo, "v1.10.0", 1_000), 1)).toBe(true);
    expect(recordRelease(db, release(repo, "v1.9.3", 2_000), 2)).toBe(false);
    expect(getRelease(db, "acme/release-order")).toMatchObject({ tag: "v1.10.0", publishedAt: 1_000 });
    expect(recordRelease(db, release(repo, "v1.10.0", 999), 3)).toBe(false);
    expect(recordRelease(db, release(repo, "v1.10.0", 1_000), 4)).toBe(true); // the same release again: still the latest
    expect(recordRelease(db, release(repo, "v1.10.0", 1_500), 5)).toBe(true);
    expect(getRelease(db, repo)).toMatchObject({ tag: "v1.10.0", publishedAt: 1_500, receivedAt: 5 });
    expect(recordRelease(db, release(repo, "v1.11.0", 1_200), 6)).toBe(true);
    expect(getRelease(db, repo)!.tag).toBe("v1.11.0");
  });

  it("tags that do not read as versions are ordered by when they were published", () => {
    const repo = "acme/nightlies";
    expect(recordRelease(db, release(repo, "nightly-tuesday", 5_000), 1)).toBe(true);
    expect(recordRelease(db, release(repo, "nightly-monday", 4_000), 2)).toBe(false);
    expect(recordRelease(db, release(repo, "nightly-wednesday", 6_000), 3)).toBe(true);
    expect(getRelease(db, repo)!.tag).toBe("nightly-wednesday");
  });

  it("an issue known only from a reference is kept as an open placeholder named after it, until GitHub tells more", () => {
    const placeholder = ensureIssuePlaceholder(db, "acme/placeholder", 77);
    expect(placeholder).toMatchObject({
      repo: "acme/placeholder",
      number: 77,
      kind: "issue",
      title: "acme/placeholder#77",
      state: "open",
      url: "https://github.com/acme/placeholder/issues/77",
    });
    expect(ensureIssuePlaceholder(db, "acme/placeholder", 77).id).toBe(placeholder.id);
  });
});
