// The fund's balance chart: how many points it draws and how days are grouped.

export type ChartStep = "day" | "week" | "month";

/** Most points the balance chart draws (it is 640 units wide); more days are drawn by week or month. */
export const CHART_MAX_POINTS = 240;

type Point = { date: string; balance: number };

/** A key for a date's week (UTC, from Monday); a string that is not a date is its own bucket. */
function weekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString();
}

/** The last point of each run of days in the same bucket. */
function lastOfEach(days: Point[], bucket: (date: string) => string): Point[] {
  const series: Point[] = [];
  let key: string | null = null;
  for (const day of days) {
    const k = bucket(day.date);
    if (k === key) series[series.length - 1] = day;
    else series.push(day);
    key = k;
  }
  return series;
}

/** The balance at the end of each day, or of each week or month when there are too many days to draw. */
export function chartSeries(days: Point[], max = CHART_MAX_POINTS): { series: Point[]; step: ChartStep } {
  const daily = lastOfEach(days, (d) => d);
  if (daily.length <= max) return { series: daily, step: "day" };
  const weekly = lastOfEach(days, weekOf);
  if (weekly.length <= max) return { series: weekly, step: "week" };
  return { series: lastOfEach(days, (d) => d.slice(0, 7)), step: "month" };
}
