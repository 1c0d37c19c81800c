import crypto from "node:crypto";
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

const secrets = [env.GITHUB_WEBHOOK_SECRET, env.GITHUB_WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => Boolean(s));
const verifier = createVerifier(secrets);

/**
 * The same HMAC over the raw bytes (node:crypto, constant-time compare), so a forged body is
 * refused before it becomes a string: up to 25 MiB of text on the JS heap per request
 * otherwise, and the server runs with a bounded heap (package.json's serve script).
 */
export function signedBytes(bytes: Uint8Array, header: string | null, keys: string[] = secrets): boolean {
  if (!header || !SIGNATURE.test(header)) return false;
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  return keys.some((key) => crypto.timingSafeEqual(crypto.createHmac("sha256", key).update(bytes).digest(), given));
}

export const webhooksConfigured = verifier !== null;

/**
 * The body GitHub sent, as text, when X-Hub-Signature-256 matches it; otherwise null.
 * The bytes are checked first (signedBytes), then @octokit/webhooks checks the text.
 */
export async function verifiedBody(bytes: Uint8Array, header: string | null): Promise<string | null> {
  if (!verifier || !signedBytes(bytes, header)) return null;
  const body = new TextDecoder().decode(bytes);
  return (await verifier(body, header)) ? body : null;
}
