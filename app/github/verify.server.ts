import { Webhooks } from "@octokit/webhooks";
import { env } from "../env.server";

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * A checker of X-Hub-Signature-256 for these secrets (the current one first, then any
 * still accepted during a rotation). The header must be `sha256=` + 64 lowercase hex
 * digits; anything else fails before any HMAC. @octokit/webhooks compares in constant
 * time; it throws on some inputs, which count as failures. (Its `additionalSecrets` only
 * applies to verifyAndReceive, so each secret gets its own verifier here.)
 */
export function createVerifier(secrets: string[]): ((body: string, header: string | null) => Promise<boolean>) | null {
  if (secrets.length === 0) return null;
  const verifiers = secrets.map((secret) => new Webhooks({ secret }));
  return async (body, header) => {
    if (!header || !SIGNATURE.test(header)) return false;
    for (const webhooks of verifiers) {
      try {
        if (await webhooks.verify(body, header)) return true;
      } catch {
        // a throw is a failed check; try the next secret
      }
    }
    return false;
  };
}

const verifier = createVerifier([env.GITHUB_WEBHOOK_SECRET, env.GITHUB_WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => Boolean(s)));

export const webhooksConfigured = verifier !== null;

/** Checks a delivery's signature over the exact body GitHub sent. */
export function verifySignature(body: string, header: string | null): Promise<boolean> {
  return verifier ? verifier(body, header) : Promise.resolve(false);
}
