import { useTranslation } from "react-i18next";
import type { PairedChange } from "../api/feedback";

const W = 320;
const ROW = 44;
const PAD = { l: 96, r: 16 };
const MIN = -2;
const MAX = 2;

/** Mean before→after change with its 95% interval, per measure; "not enough data" when n < min_n. */
export function ChangeChart({ rows }: { rows: { label: string; change: PairedChange }[] }) {
  const { t } = useTranslation();
  const x = (v: number) => PAD.l + ((Math.max(MIN, Math.min(MAX, v)) - MIN) * (W - PAD.l - PAD.r)) / (MAX - MIN);
  const H = rows.length * ROW + 24;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t("report.chartLabel")} className="chart__svg">
        <line x1={x(0)} x2={x(0)} y1={4} y2={H - 20} className="chart__zero" />
        {[-2, -1, 0, 1, 2].map((v) => (
          <text key={v} x={x(v)} y={H - 4} className="chart__tick" textAnchor="middle">
            {v > 0 ? `+${v}` : v}
          </text>
        ))}
        {rows.map(({ label, change }, i) => {
          const cy = 8 + i * ROW + ROW / 2;
          return (
            <g key={label}>
              <text x={4} y={cy + 4} className="chart__label">
                {label}
              </text>
              {change.enough_data && change.mean_diff != null ? (
                <>
                  {change.ci_low != null && change.ci_high != null ? (
                    <line x1={x(change.ci_low)} x2={x(change.ci_high)} y1={cy} y2={cy} className="chart__ci" />
                  ) : null}
                  <circle cx={x(change.mean_diff)} cy={cy} r={5} className="chart__dot chart__dot--a" />
                </>
              ) : (
                <text x={x(-2)} y={cy + 4} className="chart__tick">
                  {t("report.notEnoughShort")}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="plain">
          {rows.map(({ label, change }) => (
            <li key={label}>
              <strong>{label}:</strong>{" "}
              {change.enough_data && change.mean_diff != null
                ? t("report.changeText", {
                    diff: fmtSigned(change.mean_diff),
                    low: fmtSigned(change.ci_low ?? 0),
                    high: fmtSigned(change.ci_high ?? 0),
                    n: change.n,
                  })
                : t("report.notEnough", { n: change.n, min: change.min_n })}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

function fmtSigned(v: number): string {
  return `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(2)}`;
}
