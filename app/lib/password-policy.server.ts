import { PASSWORD_MAX, PASSWORD_MIN } from "./account-rules";
import commonPasswords from "./common-passwords.json";

// The most common passwords of at least 8 characters among the top 20,000 of the
// ranked list shipped by @zxcvbn-ts/language-common (MIT), extracted into the repo.
const COMMON = new Set(commonPasswords.map((p) => p.toLowerCase()));

/**
 * Why a password is refused, or null. No composition rules; length counts code points so
 * an emoji passphrase is measured as a person sees it. Nothing is normalised.
 */
export function checkPassword(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `The password needs at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `The password may have at most ${PASSWORD_MAX} characters.`;
  if (COMMON.has(password.toLowerCase())) return "That password is on the list of the most common ones; choose another.";
  return null;
}
