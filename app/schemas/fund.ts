import { z } from "zod";
import { parseMoney } from "../lib/money";
import { EXPENSE_CATEGORIES } from "../lib/vocabulary";

const Amount = z.string().transform((s, ctx) => {
  const cents = parseMoney(s);
  if (cents === null || cents === 0) {
    ctx.addIssue({ code: "custom", message: "Write the amount like 1234.50: digits, at most two decimals, no signs or spaces." });
    return z.NEVER;
  }
  return cents;
});

const IsoDate = z
  .string()
  .trim()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    "Give a date like 2026-03-01.",
  );

const OptionalId = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (s === "") return null;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 1) {
      ctx.addIssue({ code: "custom", message: "Give the number shown on its page, or leave it empty." });
      return z.NEVER;
    }
    return n;
  })
  .prefault("");

const Plain = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max} characters.`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), "Remove the control characters.")
    .pipe(z.string().min(1, message));

export const ExpenseFormSchema = z.object({
  kind: z.enum(["pre_approval", "reimbursement"], { error: "Choose pre-approval or reimbursement." }),
  title: Plain(120, "Give it a title."),
  event: Plain(120, "Name the event or trip."),
  category: z.enum(EXPENSE_CATEGORIES, { error: "Choose a category." }),
  amount: Amount,
  spentOn: IsoDate,
  description: Plain(5000, "Say what the money is for and how it helps SPIFFE."),
  bountyId: OptionalId,
  target: z.string().trim().max(64).prefault(""),
  preApprovalId: OptionalId,
  publicRequester: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
  intent: z.enum(["draft", "submit"]).prefault("submit"),
});

export const DonationFormSchema = z.object({
  date: IsoDate,
  donor: z
    .string()
    .trim()
    .max(200, "Keep the donor's name under 200 characters.")
    .transform((s) => (s === "" ? null : s)),
  amount: Amount,
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, "Give a currency code like USD."),
  reference: z
    .string()
    .trim()
    .max(200)
    .transform((s) => (s === "" ? null : s)),
  note: z
    .string()
    .trim()
    .max(1000)
    .transform((s) => (s === "" ? null : s)),
});
