import crypto from "node:crypto";
import { env } from "../env.server";

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

const secrets = [env.GITHUB_WEBHOOK_SECRET, env.GITHUB_WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => Boolean(s));

export const webhooksConfigured = secrets.length > 0;

/**
 * The one signature check: X-Hub-Signature-256 must be `sha256=` + 64 lowercase hex digits
 * equal to HMAC-SHA256(secret, the exact bytes GitHub sent), for the current secret or the
 * one still accepted during a rotation. Compared in constant time over the whole digest.
 *
 * It runs on the raw bytes, before anything is decoded: a forged 25 MiB body never becomes
 * a string on the bounded heap (package.json's serve script). @octokit/webhooks' own
 * `verify` takes only a decoded string, so it signs our test deliveries instead, as an
 * independent implementation for this check to be tested against.
 */
export function signedBytes(bytes: Uint8Array, header: string | null, keys: string[] = secrets): boolean {
  if (!header || !SIGNATURE.test(header)) return false;
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  return keys.some((key) => crypto.timingSafeEqual(crypto.createHmac("sha256", key).update(bytes).digest(), given));
}

/**
 * The body GitHub sent, as text, when its signature matches; otherwise null. The text is
 * every byte that was signed, a UTF-8 byte-order mark included (it is kept, not silently
 * dropped by the decoder), so what is stored and shown is what GitHub sent.
 */
export function verifiedBody(bytes: Uint8Array, header: string | null): string | null {
  if (!signedBytes(bytes, header)) return null;
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/**
 * A verified body's JSON. A leading byte-order mark is not part of the JSON text (RFC 8259
 * §8.1 lets a parser ignore it), so it is skipped here, after the signature check on the
 * exact bytes, and nowhere else. Throws a SyntaxError when the body is not JSON.
 */
export function parseVerifiedBody(body: string): unknown {
  return JSON.parse(body.startsWith("\uFEFF") ? body.slice(1) : body);
}
