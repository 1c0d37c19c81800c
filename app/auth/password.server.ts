import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane, 32 bytes.
const PARAMS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;
const CURRENT = `$argon2id$v=19$m=${PARAMS.memoryCost},t=${PARAMS.timeCost},p=${PARAMS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

// Verified against when the username is unknown, so that answer takes as long as a
// wrong password for a real account.
let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash (or against a dummy hash when there is none).
 * `rehash` is true when the stored hash used weaker parameters than today's.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<{ ok: boolean; rehash: boolean }> {
  if (!stored) {
    dummyHash ??= hashPassword("club-zero dummy password for timing");
    await verify(await dummyHash, password).catch(() => false);
    return { ok: false, rehash: false };
  }
  const ok = await verify(stored, password).catch(() => false);
  return { ok, rehash: ok && !stored.startsWith(CURRENT) };
}
