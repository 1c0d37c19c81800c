// LG-7: random sequences of fund operations, checked after every step against a tiny
// in-memory model of what the balance, the committed sum and each expense should be.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { webPerson } from "~/app/models/audit.server";
import { DomainError } from "~/app/models/errors";
import { actOnExpense, createExpense } from "~/app/models/expenses.server";
import { getBalance, getCommitted, recordDonation, reverseEntry, verifyLedger } from "~/app/models/ledger.server";
import { makeUser } from "../support/users";

type Op =
  | { op: "donate"; cents: number }
  | { op: "request"; cents: number }
  | { op: "approve"; pick: number }
  | { op: "reject"; pick: number }
  | { op: "pay"; pick: number }
  | { op: "reverse"; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("donate" as const), cents: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ op: fc.constant("request" as const), cents: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({ op: fc.constant("approve" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("reject" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("pay" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("reverse" as const), pick: fc.nat() }),
);

describe("the ledger against a model", () => {
  it("balance, committed and every expense's state match the model after each of 500 random operations", async () => {
    const requester = webPerson(await makeUser());
    const ssc = [webPerson(await makeUser(["ssc"])), webPerson(await makeUser(["ssc"]))];
    const payer = webPerson(await makeUser(["admin"]));
    let ref = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 500, maxLength: 500 }), (ops) => {
        const model = { balance: getBalance(db), committed: getCommitted(db) };
        const expenses: { id: number; cents: number; status: "submitted" | "approved" | "rejected" | "paid" }[] = [];
        const donations: { id: number; cents: number; reversed: boolean }[] = [];
        const pickOf = <T>(list: T[], n: number) => (list.length ? list[n % list.length] : undefined);
        for (const o of ops) {
          switch (o.op) {
            case "donate": {
              const e = recordDonation(db, payer, {
                date: "2026-01-01",
                donor: null,
                amountCents: o.cents,
                currency: "USD",
                reference: `MODEL-${Date.now()}-${++ref}`,
                note: null,
              });
              donations.push({ id: e.id, cents: o.cents, reversed: false });
              model.balance += o.cents;
              break;
            }
            case "request": {
              const e = createExpense(
                db,
                requester,
                {
                  kind: "pre_approval",
                  title: "Model",
                  event: "Model",
                  category: "other",
                  amountCents: o.cents,
                  spentOn: "2026-01-01",
                  description: "model",
                  bountyId: null,
                  targetId: null,
                  preApprovalId: null,
                  publicRequester: false,
                },
                [],
                true,
              );
              expenses.push({ id: e.id, cents: o.cents, status: "submitted" });
              break;
            }
            case "approve": {
              const x = pickOf(
                expenses.filter((e) => e.status === "submitted"),
                o.pick,
              );
              if (!x) break;
              const fits = x.cents <= model.balance - model.committed;
              try {
                actOnExpense(db, ssc[0]!, x.id, "approve");
                actOnExpense(db, ssc[1]!, x.id, "approve");
                expect(fits).toBe(true);
                x.status = "approved";
                model.committed += x.cents;
              } catch (error) {
                expect(error).toBeInstanceOf(DomainError);
                expect(fits).toBe(false);
              }
              break;
            }
            case "reject": {
              const x = pickOf(
                expenses.filter((e) => e.status === "submitted"),
                o.pick,
              );
              if (!x) break;
              actOnExpense(db, ssc[0]!, x.id, "reject", { reason: "model says no" });
              x.status = "rejected";
              break;
            }
            case "pay": {
              const x = pickOf(
                expenses.filter((e) => e.status === "approved"),
                o.pick,
              );
              if (!x) break;
              const fits = x.cents <= model.balance;
              try {
                actOnExpense(db, payer, x.id, "pay", { paymentReference: `P${x.id}`, paidOn: "2026-01-02" });
                expect(fits).toBe(true);
                x.status = "paid";
                model.balance -= x.cents;
                model.committed -= x.cents;
              } catch (error) {
                expect(error).toBeInstanceOf(DomainError);
                expect(fits).toBe(false);
              }
              break;
            }
            case "reverse": {
              const d = pickOf(donations, o.pick);
              if (!d) break;
              const allowed = !d.reversed && d.cents <= model.balance;
              try {
                reverseEntry(db, payer, d.id, "model correction");
                expect(allowed).toBe(true);
                d.reversed = true;
                model.balance -= d.cents;
              } catch (error) {
                expect(error).toBeInstanceOf(DomainError);
                expect(allowed).toBe(false);
              }
              break;
            }
          }
          expect(getBalance(db)).toBe(model.balance);
          expect(getCommitted(db)).toBe(model.committed);
        }
        for (const x of expenses) expect(db.$client.prepare("select status from expenses where id = ?").pluck().get(x.id)).toBe(x.status);
        expect(verifyLedger(db)).toEqual([]);
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});
