// Without GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, GitHub sign-in does not exist: its
// routes answer 404 and the OAuth client refuses to be built. (The configured flow is
// github-sign-in.test.ts.) The variables are cleared before app/env.server.ts is imported.
import { afterAll, describe, expect, it } from "vitest";
import { BASE, call } from "../support/remix";

const previous = { id: process.env.GITHUB_CLIENT_ID, secret: process.env.GITHUB_CLIENT_SECRET };
delete process.env.GITHUB_CLIENT_ID;
delete process.env.GITHUB_CLIENT_SECRET;
const { action: startAction } = await import("~/app/routes/auth.github");
const { loader: callbackLoader } = await import("~/app/routes/auth.github.callback");
const { finishGithubSignIn, githubSignInEnabled, startGithubSignIn } = await import("~/app/auth/github.server");

afterAll(() => {
  if (previous.id !== undefined) process.env.GITHUB_CLIENT_ID = previous.id;
  if (previous.secret !== undefined) process.env.GITHUB_CLIENT_SECRET = previous.secret;
});

describe("GitHub sign-in when it is not configured", () => {
  it("the button's POST and the callback both answer 404 with a sentence, and set no cookie", async () => {
    expect(githubSignInEnabled).toBe(false);
    const started = await call(startAction, "/auth/github", {}, { method: "POST", headers: { Origin: BASE } });
    expect(started.status).toBe(404);
    expect(await started.json()).toEqual({ message: "GitHub sign-in is not configured on this Club Zero." });
    expect(started.headers.get("set-cookie")).toBeNull();
    const back = await call(callbackLoader, "/auth/github/callback?code=abc&state=def", {}, { headers: { Cookie: "github_oauth_state=def" } });
    expect(back.status).toBe(404);
  });

  it("the OAuth client itself refuses to start or finish a sign-in, naming what is missing", async () => {
    expect(() => startGithubSignIn()).toThrow(new Error("GitHub sign-in is not configured"));
    await expect(finishGithubSignIn("abc")).rejects.toThrow(new Error("GitHub sign-in is not configured"));
  });
});
