import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { repoRoot } from "~/test/support/server";

// npm test runs `npm run lint` before the tests; this checks that the configuration it
// uses really refuses what the house style forbids.
describe("the lint configuration", () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const rulesBroken = async (code: string, file = "app/models/example.server.ts") => {
    const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${file}` });
    return result!.messages.map((m) => m.ruleId);
  };

  it("refuses a ../../ import, an unused variable and a hook called conditionally", async () => {
    expect(await rulesBroken(`import { db } from "../../app/db.server";\nexport const x = db;\n`)).toContain("no-restricted-imports");
    expect(await rulesBroken(`export function f() {\n  const unused = 1;\n  return 2;\n}\n`)).toContain("@typescript-eslint/no-unused-vars");
    const hook = `import { useState } from "react";\nexport function C({ on }: { on: boolean }) {\n  if (on) useState(1);\n  return null;\n}\n`;
    expect(await rulesBroken(hook, "app/components/example.tsx")).toContain("react-hooks/rules-of-hooks");
  });

  it("accepts code written the house way", async () => {
    expect(await rulesBroken(`import { db } from "~/app/db.server";\n\nexport const x = db;\n`)).toEqual([]);
  });
});
