import { z } from "zod";
import { USERNAME_RULES } from "../lib/account-rules";
import { checkPassword } from "../lib/password-policy.server";
import { GRANTABLE_ROLES } from "../lib/vocabulary";
import { choice, form, text, wholeNumber } from "./fields";

const RESERVED = new Set(["admin", "root", "system", "cli", "github", "ssc", "club-zero", "api", "me", "new", "settings"]);

export const Username = text("a username")
  .trim()
  .toLowerCase()
  .min(3, `Usernames are ${USERNAME_RULES}`)
  .max(32, `Usernames are ${USERNAME_RULES}`)
  .regex(/^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/, `Usernames are ${USERNAME_RULES}`)
  .refine((u) => !RESERVED.has(u), "That username is reserved; choose another.");

const DisplayName = text("your display name")
  .trim()
  .min(1, "Give a display name: what should we call you?")
  .max(80, "Keep the display name to 80 characters or fewer.");
const Email = text("your email address").trim().max(254, "That email address is too long.").pipe(z.email("Enter an email address like you@example.org."));

/** Passwords are taken exactly as typed: no trimming, no normalisation. */
export const Password = text("a password").superRefine((value, ctx) => {
  const problem = checkPassword(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const GithubLogin = text("your GitHub login")
  .trim()
  .max(39, "GitHub logins have at most 39 characters.")
  .regex(/^$|^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$/, "That is not a GitHub login (letters, digits and single hyphens).")
  .transform((v) => (v === "" ? null : v));

export const JoinSchema = form({
  username: Username,
  displayName: DisplayName,
  email: Email,
  password: Password,
  redirectTo: text("the page to return to").optional(),
});

export const LoginSchema = form({
  username: text("your username").trim().min(1, "Enter your username.").max(64, "Invalid username or password."),
  password: text("your password").min(1, "Enter your password.").max(1024, "Invalid username or password."),
  redirectTo: text("the page to return to").optional(),
});

export const ProfileSchema = form({
  displayName: DisplayName,
  email: Email,
  githubLogin: GithubLogin,
});

export const PasswordChangeSchema = form({
  currentPassword: text("your current password").min(1, "Enter your current password."),
  newPassword: Password,
});

export const RoleChangeSchema = form({
  userId: wholeNumber("Choose a user from the list."),
  role: choice(GRANTABLE_ROLES, `Role must be one of ${GRANTABLE_ROLES.join(", ")}.`),
});

export const UserIdSchema = form({ userId: wholeNumber("Choose a user from the list.") });

export const ForgotPasswordSchema = form({ email: Email });

const Token = text("the link's token").max(200, "That link is not one Club Zero sent; open the link from the mail again.");

export const ResetPasswordSchema = form({
  token: Token,
  newPassword: Password,
});

export const TokenSchema = form({ token: Token });
