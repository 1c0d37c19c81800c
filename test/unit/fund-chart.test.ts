import { describe, expect, it } from "vitest";
import { chartSeries } from "~/app/lib/fund-chart";

const day = (date: string, balance: number) => ({ date, balance });

describe("the fund's balance chart", () => {
  it("draws every day when there are few", () => {
    const days = [day("2026-01-01", 100), day("2026-01-05", 250), day("2026-02-01", 50)];
    expect(chartSeries(days, 3)).toEqual({ series: days, step: "day" });
  });

  it("draws the balance at the end of each week (weeks start on Monday) when days are too many", () => {
    // 2026-01-05 is a Monday; 01-11 the Sunday of that week
    const days = [day("2026-01-05", 10), day("2026-01-07", 20), day("2026-01-11", 30), day("2026-01-12", 40), day("2026-01-14", 50)];
    expect(chartSeries(days, 4)).toEqual({ series: [day("2026-01-11", 30), day("2026-01-14", 50)], step: "week" });
  });

  it("falls back to months, and always keeps the last balance", () => {
    const days = Array.from({ length: 90 }, (_, i) => day(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10), i * 100));
    const { series, step } = chartSeries(days, 5);
    expect(step).toBe("month");
    expect(series).toEqual([day("2026-01-31", 3000), day("2026-02-28", 5800), day("2026-03-31", 8900)]);
  });

  it("exactly as many days as the chart can draw are drawn day by day", () => {
    const days = [day("2026-01-05", 10), day("2026-01-06", 20), day("2026-01-07", 30)];
    expect(chartSeries(days, 3)).toEqual({ series: days, step: "day" });
    expect(chartSeries(days, 2)).toEqual({ series: [day("2026-01-07", 30)], step: "week" });
  });

  it("two balances on the same day are one point, the later one", () => {
    expect(chartSeries([day("2026-01-05", 10), day("2026-01-05", 25)], 5)).toEqual({ series: [day("2026-01-05", 25)], step: "day" });
  });

  it("a day whose date cannot be read is a point of its own when drawing by week, not an error", () => {
    const days = [day("2026-01-05", 10), day("2026-01-06", 20), day("someday", 5), day("2026-01-07", 30)];
    expect(chartSeries(days, 3)).toEqual({ series: [day("2026-01-06", 20), day("someday", 5), day("2026-01-07", 30)], step: "week" });
  });

  it("a week that spans two months is one point", () => {
    // 2026-01-26 is a Monday; 02-01 the Sunday of that week
    const days = [day("2026-01-26", 10), day("2026-01-29", 20), day("2026-02-01", 30), day("2026-02-02", 40)];
    expect(chartSeries(days, 2)).toEqual({ series: [day("2026-02-01", 30), day("2026-02-02", 40)], step: "week" });
  });
});
