// axe-core (WCAG 2.2 A and AA) run in a page: the violations it finds.
import path from "node:path";
import { repoRoot } from "./server";
import type { Page } from "playwright-core";

const AXE = path.join(repoRoot, "node_modules/axe-core/axe.min.js");

export interface Finding {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** The page's context must be created with `bypassCSP: true` (the CSP's nonces would refuse the injected script). */
export async function axe(page: Page): Promise<Finding[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (c: Document, o: unknown) => Promise<{ violations: Finding[] }> } }).axe.run;
    const result = await run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      // experimental in axe 4, and the rule behind "a link's name must contain its visible text"
      rules: { "label-content-name-mismatch": { enabled: true } },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  });
}
