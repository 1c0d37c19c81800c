import { z } from "zod";
import { checkPassword } from "../lib/password-policy";
import { GRANTABLE_ROLES } from "../lib/vocabulary";

export const USERNAME_RULES = "3 to 32 characters: lowercase letters, digits and single hyphens, starting with a letter.";

const RESERVED = new Set(["admin", "root", "system", "cli", "github", "ssc", "club-zero", "api", "me", "new", "settings"]);

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, `Usernames are ${USERNAME_RULES}`)
  .max(32, `Usernames are ${USERNAME_RULES}`)
  .regex(/^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/, `Usernames are ${USERNAME_RULES}`)
  .refine((u) => !RESERVED.has(u), "That username is reserved; choose another.");

const DisplayName = z.string().trim().min(1, "Tell us what to call you.").max(80, "Use at most 80 characters.");
const Email = z.string().trim().max(254, "That email address is too long.").pipe(z.email("Enter an email address like you@example.org."));

/** Passwords are taken exactly as typed: no trimming, no normalisation. */
export const Password = z.string().superRefine((value, ctx) => {
  const problem = checkPassword(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const GithubLogin = z
  .string()
  .trim()
  .max(39, "GitHub logins have at most 39 characters.")
  .regex(/^$|^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$/, "That is not a GitHub login (letters, digits and single hyphens).")
  .transform((v) => (v === "" ? null : v));

export const JoinSchema = z.object({
  username: Username,
  displayName: DisplayName,
  email: Email,
  password: Password,
});

export const LoginSchema = z.object({
  username: z.string().trim().min(1, "Enter your username.").max(64, "Invalid username or password."),
  password: z.string().min(1, "Enter your password.").max(1024, "Invalid username or password."),
  redirectTo: z.string().optional(),
});

export const ProfileSchema = z.object({
  displayName: DisplayName,
  email: Email,
  githubLogin: GithubLogin,
});

export const PasswordChangeSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password."),
  newPassword: Password,
});

export const RoleChangeSchema = z.object({
  userId: z.coerce.number().int().positive(),
  role: z.enum(GRANTABLE_ROLES, { error: `Role must be one of ${GRANTABLE_ROLES.join(", ")}.` }),
});

export const UserIdSchema = z.object({ userId: z.coerce.number().int().positive() });

export const ForgotPasswordSchema = z.object({ email: Email });

export const ResetPasswordSchema = z.object({
  token: z.string().max(200),
  newPassword: Password,
});

export const TokenSchema = z.object({ token: z.string().max(200) });
