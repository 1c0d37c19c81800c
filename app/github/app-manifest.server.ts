// Creating Club Zero's GitHub App from its manifest (app-manifest.json), GitHub's "manifest
// flow": an admin posts the manifest to GitHub, confirms the app's name there, and GitHub
// sends them back with a one-hour, single-use code that Club Zero trades for the app's id,
// private key and webhook secret, shown once for the admin to put in the environment.
// https://docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest
import { z } from "zod";
import manifest from "./app-manifest.json";

/** The manifest with this deployment's addresses in place of the example's. */
export function buildManifest(origin: string): string {
  return JSON.stringify({
    ...manifest,
    url: origin,
    hook_attributes: { ...manifest.hook_attributes, url: `${origin}/webhooks/github` },
    redirect_url: `${origin}/admin/github-app/created`,
  });
}

const Conversion = z.looseObject({
  id: z.number().int(),
  slug: z.string().nullish(),
  name: z.string(),
  html_url: z.string(),
  pem: z.string(),
  webhook_secret: z.string().nullish(),
  client_id: z.string().nullish(),
  client_secret: z.string().nullish(),
});

export type CreatedApp = {
  appId: number;
  name: string;
  htmlUrl: string;
  pem: string;
  webhookSecret: string | null;
  clientId: string | null;
  clientSecret: string | null;
};

/** Trades the manifest flow's code for the new app's credentials; a sentence when GitHub says no. */
export async function convertManifestCode(apiUrl: string, code: string): Promise<{ ok: true; app: CreatedApp } | { ok: false; message: string }> {
  let res: Response;
  try {
    res = await fetch(new URL(`/app-manifests/${encodeURIComponent(code)}/conversions`, apiUrl), {
      method: "POST",
      headers: { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "club-zero" },
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return { ok: false, message: "GitHub could not be reached; go back and create the app again." };
  }
  if (res.status === 404 || res.status === 422)
    return { ok: false, message: "GitHub did not accept the code (it is valid for an hour, once); go back and create the app again." };
  if (!res.ok) return { ok: false, message: `GitHub answered ${res.status}; go back and create the app again.` };
  const parsed = Conversion.safeParse(await res.json().catch(() => null));
  if (!parsed.success) return { ok: false, message: "GitHub's answer did not describe an app." };
  const a = parsed.data;
  return {
    ok: true,
    app: {
      appId: a.id,
      name: a.name,
      htmlUrl: a.html_url,
      pem: a.pem,
      webhookSecret: a.webhook_secret ?? null,
      clientId: a.client_id ?? null,
      clientSecret: a.client_secret ?? null,
    },
  };
}
