// Creating Club Zero's GitHub App from its manifest (app/github/app-manifest.server.ts), in this
// process, against the fake GitHub's manifest conversions: the manifest names this deployment's
// addresses, and the one-hour single-use code becomes the app's credentials, or a sentence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildManifest, convertManifestCode } from "~/app/github/app-manifest.server";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";

const ORIGIN = "https://club-zero.spiffe.io";
let fake: FakeGithub;
beforeAll(async () => {
  fake = await startFakeGithub();
});
afterAll(() => fake.stop());

describe("the app manifest", () => {
  it("points GitHub at this deployment: its site, its webhook and its return address; the permissions are kept", () => {
    const manifest = JSON.parse(buildManifest(ORIGIN)) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: "Club Zero",
      url: ORIGIN,
      hook_attributes: { url: `${ORIGIN}/webhooks/github`, active: true },
      redirect_url: `${ORIGIN}/admin/github-app/created`,
      default_permissions: { issues: "write", pull_requests: "read", metadata: "read" },
      default_events: ["issues", "issue_comment", "pull_request", "release"],
    });
    expect(JSON.stringify(manifest)).not.toContain("clubzero.example.org");
  });
});

describe("trading the code GitHub sends back", () => {
  it("gives the new app's id, key and webhook secret, once", async () => {
    const code = fake.manifestCode(buildManifest(ORIGIN));
    const created = await convertManifestCode(fake.url, code);
    expect(created).toEqual({
      ok: true,
      app: {
        appId: 990099,
        name: "Club Zero",
        htmlUrl: "https://github.com/apps/club-zero",
        pem: expect.stringMatching(/^-----BEGIN RSA PRIVATE KEY-----\n/),
        webhookSecret: expect.stringMatching(/^[0-9a-f]{40}$/),
        clientId: "Iv1.0123456789abcdef",
        clientSecret: expect.stringMatching(/^[0-9a-f]{40}$/),
      },
    });
    const post = fake.requests.at(-1)!;
    expect(post).toMatchObject({ method: "POST", path: `/app-manifests/${code}/conversions` });
    expect(post.headers.accept).toBe("application/vnd.github+json");
    expect(post.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(post.headers["user-agent"]).toBe("club-zero");
    // the code is good once
    expect(await convertManifestCode(fake.url, code)).toEqual({
      ok: false,
      message: "GitHub did not accept the code (it is valid for an hour, once); go back and create the app again.",
    });
  });

  it("an answer without the optional credentials keeps them empty", async () => {
    fake.answerNext({
      status: 201,
      body: { id: 12, slug: "club-zero", name: "Club Zero", html_url: "https://github.com/apps/club-zero", pem: "-----BEGIN RSA PRIVATE KEY-----\nx\n" },
    });
    expect(await convertManifestCode(fake.url, "abc")).toMatchObject({ ok: true, app: { appId: 12, webhookSecret: null, clientId: null, clientSecret: null } });
  });

  it("each way it can fail is a sentence that says what to do", async () => {
    const again = "go back and create the app again.";
    fake.answerNext({ status: 422, body: { message: "Validation Failed", status: "422" } });
    expect(await convertManifestCode(fake.url, "abc")).toEqual({
      ok: false,
      message: `GitHub did not accept the code (it is valid for an hour, once); ${again}`,
    });
    fake.answerNext({ status: 502, body: "<html>Unicorn!</html>" });
    expect(await convertManifestCode(fake.url, "abc")).toEqual({ ok: false, message: `GitHub answered 502; ${again}` });
    fake.answerNext({ status: 201, body: "<html>not JSON</html>" });
    expect(await convertManifestCode(fake.url, "abc")).toEqual({ ok: false, message: "GitHub's answer did not describe an app." });
    fake.answerNext({ status: 201, body: { id: 12, name: "Club Zero" } });
    expect(await convertManifestCode(fake.url, "abc")).toEqual({ ok: false, message: "GitHub's answer did not describe an app." });
    expect(await convertManifestCode("http://127.0.0.1:1", "abc")).toEqual({ ok: false, message: `GitHub could not be reached; ${again}` });
  });

  it("a code is sent as one path segment, whatever it holds", async () => {
    await convertManifestCode(fake.url, "a/b?c");
    expect(fake.requests.at(-1)!.path).toBe("/app-manifests/a%2Fb%3Fc/conversions");
  });
});
