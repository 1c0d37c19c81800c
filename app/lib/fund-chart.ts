// The fund's balance chart: how many points it draws and how days are grouped.

export type ChartStep = "day" | "week" | "month";

/** Most points the balance chart draws (it is 640 units wide); more days are drawn by week or month. */
export const CHART_MAX_POINTS = 240;

/** The Monday of a date's week (UTC), as YYYY-MM-DD; a string that is not a date is its own bucket. */
function weekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** The balance at the end of each day, or of each week or month when there are too many days to draw. */
export function chartSeries(
  days: { date: string; balance: number }[],
  max = CHART_MAX_POINTS,
): { series: { date: string; balance: number }[]; step: ChartStep } {
  const steps: [ChartStep, (date: string) => string][] = [
    ["day", (d) => d],
    ["week", weekOf],
    ["month", (d) => d.slice(0, 7)],
  ];
  let picked: { series: { date: string; balance: number }[]; step: ChartStep } = { series: days, step: "day" };
  for (const [step, bucket] of steps) {
    const series: { date: string; balance: number }[] = [];
    let key = "";
    for (const day of days) {
      const k = bucket(day.date);
      if (k === key) series[series.length - 1] = day;
      else series.push(day);
      key = k;
    }
    picked = { series, step };
    if (series.length <= max) break;
  }
  return picked;
}
