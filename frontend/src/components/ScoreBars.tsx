import { useTranslation } from "react-i18next";
import { CRITERIA, type Breakdown } from "../api/matching";

/**
 * Why a tutor is suggested: one small bar per criterion (0..1). A criterion
 * the service could not compute (e.g. sessions down: no shared free time)
 * is shown as missing, with the reason when we have it.
 */
export function ScoreBars({
  breakdown,
  missing = [],
}: {
  breakdown: Breakdown;
  missing?: { criterion: string; reason?: string }[];
}) {
  const { t } = useTranslation();
  return (
    <dl className="bars">
      {CRITERIA.map((c) => {
        const value = breakdown[c];
        const gone = missing.find((m) => m.criterion === c);
        const label = t(`criteria.${c}`);
        return (
          <div className="bars__row" key={c}>
            <dt className="bars__label">{label}</dt>
            <dd className="bars__value">
              {value === null || value === undefined ? (
                <span className="bars__missing">{gone?.reason ? t("criteria.missingWhy", { reason: gone.reason }) : t("criteria.missing")}</span>
              ) : (
                <>
                  <span className="bars__track" aria-hidden="true">
                    <span className="bars__fill" style={{ width: `${Math.round(value * 100)}%` }} />
                  </span>
                  <span className="bars__number">{Math.round(value * 100)}%</span>
                </>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
