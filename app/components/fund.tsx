import { formatMoney } from "../lib/money";
import { DemoBadge } from "./demo";
import type { ChartStep } from "../lib/fund-chart";

/** Balance over time as an SVG line, drawn on the server: readable without JavaScript. */
export function BalanceChart({ series, step, currency }: { series: { date: string; balance: number }[]; step: ChartStep; currency: string }) {
  if (series.length === 0) return <p className="empty">No entries yet.</p>;
  const W = 640;
  const H = 200;
  const pad = 40;
  const left = 90; // room for the amount labels
  const times = series.map((p) => Date.parse(`${p.date}T00:00:00Z`));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 86_400_000);
  const max = Math.max(...series.map((p) => p.balance), 1);
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (W - left - pad);
  const y = (b: number) => H - pad / 2 - (Math.max(b, 0) / max) * (H - pad);
  // a step line: the balance holds until the next entry
  let d = "";
  series.forEach((p, i) => {
    const px = x(times[i]!);
    const py = y(p.balance);
    d += i === 0 ? `M${px.toFixed(1)},${py.toFixed(1)}` : `H${px.toFixed(1)}V${py.toFixed(1)}`;
  });
  const last = series.at(-1)!;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
        <title id="chart-title">Balance over time</title>
        <desc id="chart-desc">
          From {formatMoney(series[0]!.balance, currency)} on {series[0]!.date} to {formatMoney(last.balance, currency)} on {last.date}, highest{" "}
          {formatMoney(max, currency)}.
        </desc>
        <line x1={left} y1={H - pad / 2} x2={W - pad} y2={H - pad / 2} stroke="#9aa3b5" />
        <line x1={left} y1={pad / 2} x2={left} y2={H - pad / 2} stroke="#9aa3b5" />
        <text x={left - 6} y={y(max) + 4} textAnchor="end" fontSize="11" fill="#4f5a6e">
          {formatMoney(max, currency)}
        </text>
        <text x={left - 6} y={H - pad / 2 + 4} textAnchor="end" fontSize="11" fill="#4f5a6e">
          0
        </text>
        <text x={left} y={H - 4} fontSize="11" fill="#4f5a6e">
          {series[0]!.date}
        </text>
        <text x={W - pad} y={H - 4} textAnchor="end" fontSize="11" fill="#4f5a6e">
          {last.date}
        </text>
        <path d={d} fill="none" stroke="#1d3f8f" strokeWidth="2.5" />
      </svg>
      {/* On a phone the SVG's own labels would be a few pixels tall: the same figures as text (the <desc> already tells screen readers). */}
      <p className="chart__labels small" aria-hidden="true">
        0 to {formatMoney(max, currency)} · {series[0]!.date} to {last.date}
      </p>
      <figcaption className="muted small">
        {step === "day"
          ? "Balance after each day with a donation, payment or correction."
          : `Balance at the end of each ${step} with a donation, payment or correction.`}
      </figcaption>
    </figure>
  );
}

export interface FundRecordRow {
  id: number;
  title: string;
  event: string;
  category: string;
  amountCents: number;
  currency: string;
  status: string;
  spentOn: string;
  requester: string | null;
  demo: boolean;
}

/** The public record of fund money that served this work (approved or paid requests). */
export function FundRecord({ records }: { records: FundRecordRow[] }) {
  if (records.length === 0) return null;
  return (
    <section className="section" aria-labelledby="fund-record-heading">
      <h2 id="fund-record-heading">Supported by the fund</h2>
      <ul className="audit-list">
        {records.map((r) => (
          <li key={r.id}>
            {r.spentOn} · {r.category} · {r.event}: {formatMoney(r.amountCents, r.currency)} ({r.status}){r.requester ? ` · ${r.requester}` : ""}
            <DemoBadge demo={r.demo} />
          </li>
        ))}
      </ul>
    </section>
  );
}
