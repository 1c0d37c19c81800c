// The road to "done": which rung each kind of fact meets, with what evidence, and what comes next.
import { describe, expect, it } from "vitest";
import { computeLadder, formatReached, RUNGS, type LadderFacts, type LinkedItemFact } from "~/app/lib/ladder";

const T = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

function facts(over: Partial<LadderFacts> = {}): LadderFacts {
  return { status: "none", statusHistory: [{ fromStatus: null, toStatus: "none", evidenceUrl: null, at: T }], linked: [], releases: [], packages: [], ...over };
}
const issue = (state: LinkedItemFact["state"] = "open", n = 1): LinkedItemFact => ({
  url: `https://github.com/acme/widget/issues/${n}`,
  title: `Support SPIFFE ${n}`,
  kind: "issue",
  state,
  mergedAt: null,
});
const pull = (state: LinkedItemFact["state"], mergedAt: number | null, n = 10): LinkedItemFact => ({
  url: `https://github.com/acme/widget/pull/${n}`,
  title: `Add SVID loading ${n}`,
  kind: "pull",
  state,
  mergedAt,
});
const release = (publishedAt: number, tag = "v2.0.0") => ({ repo: "acme/widget", tag, url: `https://github.com/acme/widget/releases/tag/${tag}`, publishedAt });
const met = (f: LadderFacts) =>
  computeLadder(f)
    .rungs.filter((r) => r.met)
    .map((r) => r.rung);

describe("the ladder", () => {
  it("a target nobody asked about has reached nothing, and its next step is asking upstream", () => {
    const ladder = computeLadder(facts());
    expect(ladder.reached).toBe(0);
    expect(ladder.next).toBe("requested");
    expect(ladder.rungs.every((r) => !r.met && !r.passed)).toBe(true);
    expect(ladder.rungs[0]!.nextStep).toMatch(/Ask upstream/);
    expect(ladder.rungs.map((r) => r.bountyKind)).toEqual(["advocacy", "advocacy", "code", "code", "packaging", "tutorial", "translation"]);
    expect(formatReached(0)).toBe("Not started");
  });

  it("a status of requested meets the first rung, with the status change's evidence link", () => {
    const ladder = computeLadder(
      facts({
        status: "requested",
        statusHistory: [
          { fromStatus: null, toStatus: "none", evidenceUrl: null, at: T },
          { fromStatus: "none", toStatus: "requested", evidenceUrl: "https://lists.example.org/spiffe-ask", at: T + DAY },
        ],
      }),
    );
    expect(met(facts({ status: "requested" }))).toEqual(["requested"]);
    expect(ladder.rungs[0]!.evidence).toEqual({ label: "SPIFFE status: requested", url: "https://lists.example.org/spiffe-ask" });
    expect(ladder.next).toBe("issue");
  });

  it("a linked upstream issue meets 'requested' and 'issue open', the open issue as evidence", () => {
    const ladder = computeLadder(facts({ linked: [issue("closed", 1), issue("open", 2)] }));
    expect(ladder.reached).toBe(2);
    expect(ladder.rungs[1]!.evidence).toEqual({ label: "Support SPIFFE 2", url: "https://github.com/acme/widget/issues/2" });
    expect(ladder.rungs[0]!.evidence!.url).toBe("https://github.com/acme/widget/issues/1");
  });

  it("only a merged pull request meets 'fix merged'; an open or closed one does not", () => {
    expect(met(facts({ linked: [issue(), pull("open", null)] }))).toEqual(["requested", "issue"]);
    expect(met(facts({ linked: [issue(), pull("closed", null)] }))).toEqual(["requested", "issue"]);
    const ladder = computeLadder(facts({ linked: [issue(), pull("merged", T)] }));
    expect(ladder.reached).toBe(3);
    expect(ladder.rungs[2]!.evidence!.url).toBe("https://github.com/acme/widget/pull/10");
  });

  it("a release counts only when it came out after the fix was merged", () => {
    const before = facts({ linked: [issue(), pull("merged", T + 10 * DAY)], releases: [release(T + DAY, "v1.0.0")] });
    expect(met(before)).not.toContain("released");
    const after = facts({ linked: [issue(), pull("merged", T + 10 * DAY)], releases: [release(T + 20 * DAY, "v2.0.0")] });
    const ladder = computeLadder(after);
    expect(ladder.reached).toBe(4);
    expect(ladder.rungs[3]!.evidence).toEqual({ label: "acme/widget v2.0.0", url: "https://github.com/acme/widget/releases/tag/v2.0.0" });
  });

  it("a release without a merged fix is not 'released upstream' unless the status is native", () => {
    expect(met(facts({ releases: [release(T)] }))).toEqual([]);
    const native = computeLadder(
      facts({ status: "native", statusHistory: [{ fromStatus: "partial", toStatus: "native", evidenceUrl: "https://docs.example.org/spiffe", at: T }] }),
    );
    expect(native.rungs[3]!.met).toBe(true);
    expect(native.rungs[3]!.evidence).toEqual({ label: "SPIFFE status: native", url: "https://docs.example.org/spiffe" });
    // the rungs below it were passed another way: shown as passed, not as met
    expect(native.rungs.slice(1, 3).map((r) => [r.met, r.passed])).toEqual([
      [false, true],
      [false, true],
    ]);
    expect(native.next).toBe("packaged");
  });

  it("a registered package meets 'packaged', linking to the package", () => {
    const ladder = computeLadder(facts({ linked: [issue()], packages: [{ label: "Widget 2.0 in Debian", url: "/packages/7" }] }));
    expect(ladder.rungs[4]!.evidence).toEqual({ label: "Widget 2.0 in Debian", url: "/packages/7" });
    expect(ladder.reached).toBe(5);
    expect(ladder.next).toBe("documented");
  });

  it("a published tutorial meets 'documented' and a translation 'translated': then the target is done", () => {
    const ladder = computeLadder(
      facts({ publishedTutorialUrl: "/tutorials/widget-with-spire", translatedTutorialUrl: "/tutorials/widget-with-spire?lang=de" }),
    );
    expect(met(facts({ publishedTutorialUrl: "/tutorials/x" }))).toEqual(["documented"]);
    expect(ladder.reached).toBe(RUNGS.length);
    expect(ladder.next).toBeNull();
    expect(formatReached(ladder.reached)).toBe("7 of 7: Translated");
  });

  it("an evidence link that is not http(s) is shown as text, never as a link", () => {
    const ladder = computeLadder(facts({ linked: [{ ...issue(), url: "javascript:alert(1)" }] }));
    expect(ladder.rungs[0]!.met).toBe(true);
    expect(ladder.rungs[0]!.evidence!.url).toBeNull();
  });
});

describe("the ladder's evidence, in detail", () => {
  it("a met rung is not also 'passed'; a rung skipped on the way up is", () => {
    const ladder = computeLadder(facts({ linked: [pull("merged", T, 10)] }));
    expect(ladder.rungs.slice(0, 3).map((r) => [r.rung, r.met, r.passed])).toEqual([
      ["requested", true, false],
      ["issue", false, true],
      ["merged", true, false],
    ]);
  });

  it("a linked pull request is not an upstream issue", () => {
    expect(computeLadder(facts({ linked: [pull("open", null, 10)] })).rungs[1]!.evidence).toBeNull();
  });

  it("a partial or native status links the change that set it", () => {
    const history = (to: "partial" | "native") => [
      { fromStatus: null, toStatus: "none" as const, evidenceUrl: null, at: T },
      { fromStatus: "none" as const, toStatus: "requested" as const, evidenceUrl: "https://example.org/asked", at: T + DAY },
      { fromStatus: "requested" as const, toStatus: to, evidenceUrl: `https://example.org/${to}`, at: T + 2 * DAY },
    ];
    expect(computeLadder(facts({ status: "partial", statusHistory: history("partial") })).rungs[0]!.evidence).toEqual({
      label: "SPIFFE status: partial",
      url: "https://example.org/partial",
    });
    const native = computeLadder(facts({ status: "native", statusHistory: history("native") }));
    expect(native.rungs[0]!.evidence).toEqual({ label: "SPIFFE status: native", url: "https://example.org/native" });
    expect(native.rungs[3]!.evidence).toEqual({ label: "SPIFFE status: native", url: "https://example.org/native" });
  });

  it("a target catalogued as native without a recorded change is released, with no link", () => {
    expect(computeLadder(facts({ status: "native" })).rungs[3]!.evidence).toEqual({ label: "SPIFFE status: native", url: null });
  });

  it("the newest release since the fix is the evidence, and one published the moment it merged counts", () => {
    const merged = pull("merged", T + DAY, 10);
    const later = computeLadder(facts({ linked: [merged], releases: [release(T + 2 * DAY, "v2.0.0"), release(T + 5 * DAY, "v2.1.0"), release(T, "v1.9.0")] }));
    expect(later.rungs[3]!.evidence).toEqual({ label: "acme/widget v2.1.0", url: "https://github.com/acme/widget/releases/tag/v2.1.0" });
    expect(computeLadder(facts({ linked: [merged], releases: [release(T + DAY, "v2.0.0")] })).rungs[3]!.met).toBe(true);
  });

  it("the most recently merged fix is the evidence, one with an unknown merge time last", () => {
    const ladder = computeLadder(facts({ linked: [pull("merged", null, 12), pull("merged", T + DAY, 10), pull("merged", T + 3 * DAY, 11)] }));
    expect(ladder.rungs[2]!.evidence).toEqual({ label: "Add SVID loading 11", url: "https://github.com/acme/widget/pull/11" });
    expect(computeLadder(facts({ linked: [pull("merged", null, 12), pull("merged", T, 13)] })).rungs[2]!.evidence!.label).toBe("Add SVID loading 13");
  });

  it("names the tutorial evidence", () => {
    const ladder = computeLadder(facts({ publishedTutorialUrl: "/tutorials/envoy", translatedTutorialUrl: "/tutorials/envoy/translations/de" }));
    expect(ladder.rungs[5]!.evidence).toEqual({ label: "A published tutorial", url: "/tutorials/envoy" });
    expect(ladder.rungs[6]!.evidence).toEqual({ label: "A translated tutorial", url: "/tutorials/envoy/translations/de" });
  });
});
