// The account rules a form shows before anyone types (the checks themselves run on the server:
// app/schemas/account.ts and app/lib/password-policy.server.ts).

export const USERNAME_RULES = "3 to 32 characters: lowercase letters, digits and single hyphens, starting with a letter.";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
