// Every form schema, fed what a broken browser, a script or a careless person might send:
// each message it gives is a sentence for a person, never zod's own wording.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as account from "~/app/schemas/account";
import * as bounties from "~/app/schemas/bounties";
import * as fund from "~/app/schemas/fund";
import * as packages from "~/app/schemas/packages";

const RAW = /invalid input|expected|received|too (big|small)|invalid (option|string|type)/i;

// Search-parameter schemas word their messages as fragments after `"value" is not a valid x:`
// (schemas/catalog.ts parseSearchParams) and only ever see strings; the rest are forms.
const exported: [string, unknown][] = Object.entries({ ...account, ...bounties, ...fund, ...packages });
const schemas = exported.filter((entry): entry is [string, z.ZodObject] => entry[1] instanceof z.ZodObject && !/Query/.test(entry[0]));

const GARBAGE: [string, unknown][] = [
  ["missing", undefined],
  ["empty", ""],
  ["blank", "   "],
  ["repeated", ["a", "b"]],
  ["an empty list", []],
  ["a number", 42],
  ["an object", { a: 1 }],
  ["null", null],
  ["true", true],
  ["far too long", "x".repeat(20_000)],
  ["a control character", "a\u0000b"],
  ["not a number", "NaN"],
];

function messages(schema: z.ZodObject, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe("form validation messages", () => {
  it("finds the form schemas to sweep", () => {
    expect(schemas.map(([name]) => name)).toEqual(expect.arrayContaining(["JoinSchema", "ExpenseFormSchema", "PackageFormSchema", "NewBountySchema"]));
  });

  describe.each(schemas)("%s", (_name, schema) => {
    it("answers an empty or garbage form in words, never in zod's own", () => {
      for (const input of [{}, undefined, null, "text", []]) {
        for (const m of messages(schema, input)) expect(m, `whole form ${JSON.stringify(input)}`).not.toMatch(RAW);
      }
    });

    it.each(Object.keys(schema.shape))("a missing or garbage %s gets a sentence that is not zod's own", (field) => {
      for (const [what, value] of GARBAGE) {
        const found = messages(schema, { [field]: value });
        for (const m of found) expect(m, `${field} ${what}`).not.toMatch(RAW);
      }
    });
  });

  it("a post without the display name says which field is missing", () => {
    const result = account.JoinSchema.safeParse({ username: "carol", email: "c@example.org", password: "a long enough passphrase" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(["Fill in your display name."]);
  });
});
