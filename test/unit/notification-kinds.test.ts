// The notification settings page lists every kind under who gets it, with its default delivery.
import { describe, expect, it } from "vitest";
import { AUDIENCE_WORDS, DELIVERY_WORDS, NOTIFICATION_KIND_INFO } from "~/app/lib/notification-kinds";
import { NOTIFICATION_DELIVERIES, NOTIFICATION_KINDS } from "~/app/lib/vocabulary";

describe("notification kinds", () => {
  it("every kind has its own label, an audience the page can name, and a default delivery", () => {
    expect(Object.keys(NOTIFICATION_KIND_INFO).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    const labels = Object.values(NOTIFICATION_KIND_INFO).map((k) => k.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const info of Object.values(NOTIFICATION_KIND_INFO)) {
      expect(AUDIENCE_WORDS[info.audience]).toBeTruthy();
      expect(NOTIFICATION_DELIVERIES).toContain(info.default);
    }
    expect(Object.keys(DELIVERY_WORDS)).toEqual([...NOTIFICATION_DELIVERIES]);
  });

  it("what needs someone to act arrives at once; news about watched things and outdated packages comes in the digest", () => {
    expect(NOTIFICATION_KIND_INFO.review_needed).toEqual({ label: "Work submitted for review", audience: "reviewers", default: "now" });
    expect(NOTIFICATION_KIND_INFO.expense_vote_needed.default).toBe("now");
    expect(NOTIFICATION_KIND_INFO.watched_change.default).toBe("digest");
    expect(NOTIFICATION_KIND_INFO.package_outdated.default).toBe("digest");
    expect(DELIVERY_WORDS).toEqual({ now: "At once", digest: "Daily digest", off: "Off" });
  });
});
