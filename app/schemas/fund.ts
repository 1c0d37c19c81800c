import { z } from "zod";
import { parseMoney } from "../lib/money";
import { EXPENSE_CATEGORIES } from "../lib/vocabulary";
import { choice, form, isoDate, text, wholeNumber } from "./fields";

const Amount = text("the amount").transform((s, ctx) => {
  const cents = parseMoney(s);
  if (cents === null || cents === 0) {
    ctx.addIssue({ code: "custom", message: "Write the amount like 1234.50: digits, at most two decimals, no signs or spaces." });
    return z.NEVER;
  }
  return cents;
});

/** An optional id typed by hand ("the bounty number"). */
const optionalId = (field: string) =>
  text(field)
    .trim()
    .transform((s, ctx) => {
      if (s === "") return null;
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 1) {
        ctx.addIssue({ code: "custom", message: `Give ${field} as shown on its page, or leave it empty.` });
        return z.NEVER;
      }
      return n;
    })
    .prefault("");

const Plain = (field: string, max: number, message: string) =>
  text(field)
    .trim()
    .max(max, `Keep ${field} under ${max} characters.`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `Remove the control characters from ${field}.`)
    .pipe(z.string().min(1, message));

export const ExpenseFormSchema = form({
  kind: choice(["pre_approval", "reimbursement"], "Choose the kind of request: pre-approval or reimbursement."),
  title: Plain("the title", 120, "Give the request a title."),
  event: Plain("the event", 120, "Name the event or trip."),
  category: choice(EXPENSE_CATEGORIES, "Choose a category from the list."),
  amount: Amount,
  spentOn: isoDate("the date"),
  description: Plain("the description", 5000, "Describe what the money is for and how it helps SPIFFE."),
  bountyId: optionalId("the bounty number"),
  target: text("the target").trim().max(64, "Choose a target from the list.").prefault(""),
  preApprovalId: optionalId("the pre-approval number"),
  publicRequester: z
    .literal("on", { error: "Naming you on the public ledger is a checkbox: tick it or leave it." })
    .optional()
    .transform((v) => v === "on"),
  intent: choice(["draft", "submit"], "Choose to submit the request or save it as a draft.").prefault("submit"),
});

export const DonationFormSchema = form({
  date: isoDate("the date"),
  donor: text("the donor")
    .trim()
    .max(200, "Keep the donor's name under 200 characters.")
    .transform((s) => (s === "" ? null : s)),
  amount: Amount,
  currency: text("the currency")
    .trim()
    .regex(/^[A-Z]{3}$/, "Give the currency as a code like USD."),
  reference: text("the reference")
    .trim()
    .max(200, "Keep the reference under 200 characters.")
    .transform((s) => (s === "" ? null : s)),
  note: text("the note")
    .trim()
    .max(1000, "Keep the note under 1,000 characters.")
    .transform((s) => (s === "" ? null : s)),
});

/** Paying an approved expense from the work queue. */
export const PayFromQueueSchema = form({
  expenseId: wholeNumber("Choose an expense to pay from the queue."),
  paymentReference: text("the payment reference")
    .trim()
    .min(1, "Give the payment reference (e.g. the Expensify report id).")
    .max(200, "Keep the payment reference under 200 characters."),
  paidOn: isoDate("the payment date"),
});
