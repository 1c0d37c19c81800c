// Club Zero as a GitHub App: the app's JWT (checked by the fake as GitHub checks it) buys
// installation tokens, which are reused until they expire; its installation webhooks are recorded.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { parseEnv } from "~/app/env.server";
import { createGithubAuth } from "~/app/github/auth.server";
import { syncGithub } from "~/app/github/sync.server";
import { listInstallations } from "~/app/models/github-installations.server";
import { loader as adminLoader } from "~/app/routes/admin._index";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { seedFakeFrom } from "../support/fake-github-seed";
import { deliveryHeaders, example } from "../support/github-webhooks";
import { call } from "../support/remix";
import { cookieFor, makeUser } from "../support/users";
import { webhook } from "../support/webhook-endpoint";

let fake: FakeGithub;
let installedRepo = "";

beforeAll(async () => {
  fake = await startFakeGithub({ app: { appId: 31337, installations: [], tokenLifetimeMs: 8_000 } });
  const items = seedFakeFrom(db.$client, fake);
  installedRepo = items[0]!.repo;
  fake.app!.installations.push({ id: 501, account: installedRepo.split("/")[0]!, repos: [installedRepo] }, { id: 502, account: "spiffe", repos: [] });
});
afterAll(() => fake.stop());

const appAuth = (privateKey = fake.app!.privateKey) => createGithubAuth({ apiUrl: fake.url, app: { appId: fake.app!.appId, privateKey } });

describe("GitHub App authentication", () => {
  it("uses the installation on the repository, else any installation for public repositories", async () => {
    const auth = appAuth();
    const own = await auth.credentials(installedRepo);
    expect(own?.budget).toBe("installation:501");
    const upstream = await auth.credentials("prometheus/prometheus");
    expect(upstream?.budget).toBe("installation:501"); // the first active installation reads public repositories
    expect(fake.issuedTokens.map((t) => t.installationId)).toEqual([501]);
    expect(own?.headers.Authorization).toBe(`Bearer ${fake.issuedTokens[0]!.token}`);
    // the app's own calls carried an RS256 JWT the fake verified with the app's public key
    const appCalls = fake.requests.filter((r) => r.path.startsWith("/app/") || r.path.endsWith("/installation"));
    expect(appCalls.length).toBeGreaterThan(0);
    expect(appCalls.every((r) => r.status !== 401)).toBe(true);
  });

  it("installation tokens are fetched once and reused until they expire", { retry: 2 }, async () => {
    // a first sync fetches every item once (slow); the fake's 8-second tokens are measured on later, quick ones
    await syncGithub(db, { auth: appAuth(), apiUrl: fake.url });
    const auth = appAuth();
    const before = fake.issuedTokens.length;
    const first = await syncGithub(db, { auth, apiUrl: fake.url });
    expect(first.failed).toEqual([]);
    expect(first.synced).toBe(first.repos);
    expect(fake.issuedTokens.length).toBe(before + 1);
    const token = fake.issuedTokens.at(-1)!.token;
    const from = fake.requests.length;
    await syncGithub(db, { auth, apiUrl: fake.url });
    expect(fake.issuedTokens.length).toBe(before + 1);
    const repoCalls = fake.requests.slice(from).filter((r) => r.path.startsWith("/repos/") && !r.path.endsWith("/installation"));
    expect(repoCalls.length).toBeGreaterThan(0);
    expect(repoCalls.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);

    // the fake's tokens last 8 s: the next sync after that asks for a new one, and never sends the old
    await new Promise((r) => setTimeout(r, 8_000));
    const later = fake.requests.length;
    const third = await syncGithub(db, { auth, apiUrl: fake.url });
    expect(third.failed).toEqual([]);
    expect(fake.issuedTokens.length).toBe(before + 2);
    const fresh = fake.issuedTokens.at(-1)!.token;
    const laterCalls = fake.requests.slice(later).filter((r) => r.path.startsWith("/repos/") && !r.path.endsWith("/installation"));
    expect(laterCalls.every((r) => r.headers.authorization === `Bearer ${fresh}` && r.status !== 401)).toBe(true);
  });

  it("a key that is not the app's gets no token, and the sync says why on each repository", async () => {
    const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const before = fake.issuedTokens.length;
    const report = await syncGithub(db, { auth: appAuth(other), apiUrl: fake.url });
    expect(report.synced).toBe(0);
    expect(report.failed.length).toBe(report.repos);
    expect(report.failed[0]!.message).toBe("GitHub refused the app's token (401): check GITHUB_APP_ID and the private key.");
    expect(fake.issuedTokens.length).toBe(before);
  });
});

describe("GitHub App settings", () => {
  it("reads the private key from GITHUB_APP_PRIVATE_KEY_FILE, and names the variable when it cannot", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-key-"));
    const file = path.join(dir, "app.pem");
    fs.writeFileSync(file, fake.app!.privateKey, { mode: 0o600 });
    expect(parseEnv({ GITHUB_APP_ID: "31337", GITHUB_APP_PRIVATE_KEY_FILE: file }).GITHUB_APP_PRIVATE_KEY).toBe(fake.app!.privateKey);
    expect(() => parseEnv({ GITHUB_APP_ID: "31337", GITHUB_APP_PRIVATE_KEY_FILE: path.join(dir, "missing.pem") })).toThrow(
      /GITHUB_APP_PRIVATE_KEY_FILE=.*must be a readable file holding a PEM private key/,
    );
    expect(() => parseEnv({ GITHUB_APP_ID: "31337" })).toThrow(/GITHUB_APP_ID: GITHUB_APP_ID and a private key/);
    // a key pasted on one line with \n escapes is restored, and never repeated in a message
    const oneLine = fake.app!.privateKey.replace(/\n/g, "\\n");
    expect(parseEnv({ GITHUB_APP_ID: "31337", GITHUB_APP_PRIVATE_KEY: oneLine }).GITHUB_APP_PRIVATE_KEY).toBe(fake.app!.privateKey);
    let message = "";
    try {
      parseEnv({ GITHUB_APP_ID: "31337", GITHUB_APP_PRIVATE_KEY: "not a key but a secret" });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("GITHUB_APP_PRIVATE_KEY=(hidden)");
    expect(message).not.toContain("not a key but a secret");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("installation webhooks", () => {
  const deliver = async (event: string, payload: object) => {
    const body = JSON.stringify(payload);
    const res = await call(
      webhook,
      "/webhooks/github",
      {},
      { method: "POST", headers: deliveryHeaders(event, body, process.env.GITHUB_WEBHOOK_SECRET!), body },
    );
    expect(res.status).toBe(200);
  };

  it("records where the app is installed, which repositories it reaches, and shows it on /admin", async () => {
    const created = example("installation", "created");
    created.installation.id = 7001;
    created.installation.account.login = "spiffe";
    created.repositories = [
      { id: 1, node_id: "R_1", name: "spire", full_name: "spiffe/spire", private: false },
      { id: 2, node_id: "R_2", name: "spiffe", full_name: "spiffe/spiffe", private: false },
    ];
    await deliver("installation", created);
    expect(listInstallations(db).find((i) => i.installationId === 7001)).toMatchObject({
      account: "spiffe",
      repos: ["spiffe/spiffe", "spiffe/spire"],
      deletedAt: null,
    });

    const added = example("installation_repositories", "added");
    added.installation.id = 7001;
    added.installation.account.login = "spiffe";
    added.repositories_added = [{ id: 3, node_id: "R_3", name: "helm-charts-hardened", full_name: "spiffe/helm-charts-hardened", private: false }];
    added.repositories_removed = [{ id: 2, node_id: "R_2", name: "spiffe", full_name: "spiffe/spiffe", private: false }];
    await deliver("installation_repositories", added);
    expect(listInstallations(db).find((i) => i.installationId === 7001)?.repos).toEqual(["spiffe/helm-charts-hardened", "spiffe/spire"]);

    const admin = await makeUser(["admin"]);
    const page = await (await call(adminLoader, "/admin", {}, { headers: { Cookie: await cookieFor(admin.id) } })).json();
    expect(page.installations.find((i: { installationId: number }) => i.installationId === 7001)).toMatchObject({
      account: "spiffe",
      repos: ["spiffe/helm-charts-hardened", "spiffe/spire"],
    });

    const deleted = example("installation", "deleted");
    deleted.installation.id = 7001;
    deleted.installation.account.login = "spiffe";
    await deliver("installation", deleted);
    expect(listInstallations(db).find((i) => i.installationId === 7001)).toMatchObject({ repos: [], deletedAt: expect.any(Number) });
  });
});
