import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { Schema } from "../api/types";
import { useFormat } from "../lib/useFormat";

const W = 320;
const H = 160;
const PAD = { l: 28, r: 10, t: 10, b: 24 };

/** Confidence and anxiety (1..5) over time; hand-rolled SVG with a data table for screen readers. */
export function TrajectoryChart({ points, title }: { points: Schema<"AssessmentPublic">[]; title: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const id = useId();
  const sorted = [...points].sort((a, b) => a.created_at.localeCompare(b.created_at));
  const x = (i: number) => PAD.l + (sorted.length <= 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (sorted.length - 1));
  const y = (v: number) => PAD.t + ((5 - v) * (H - PAD.t - PAD.b)) / 4;
  const line = (key: "confidence" | "anxiety") => sorted.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t`} className="chart__svg">
        <title id={`${id}-t`}>{title}</title>
        {[1, 2, 3, 4, 5].map((v) => (
          <g key={v}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} className="chart__grid" />
            <text x={PAD.l - 8} y={y(v) + 4} className="chart__tick" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        <path d={line("confidence")} className="chart__line chart__line--a" />
        <path d={line("anxiety")} className="chart__line chart__line--b" />
        {sorted.map((p, i) => (
          <g key={p.id}>
            <circle cx={x(i)} cy={y(p.confidence)} r={3.5} className="chart__dot chart__dot--a" />
            <rect x={x(i) - 3} y={y(p.anxiety) - 3} width={6} height={6} className="chart__dot chart__dot--b" />
          </g>
        ))}
      </svg>
      <figcaption className="chart__legend">
        <span className="legend legend--a">{t("progress.confidence")}</span>
        <span className="legend legend--b">{t("progress.anxiety")}</span>
      </figcaption>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("progress.date")}</th>
            <th scope="col">{t("progress.phase")}</th>
            <th scope="col">{t("progress.confidence")}</th>
            <th scope="col">{t("progress.anxiety")}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((p) => (
            <tr key={p.id}>
              <td>{fmt.date(p.created_at)}</td>
              <td>{t(`checkin.${p.phase}`)}</td>
              <td>{p.confidence}</td>
              <td>{p.anxiety}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
