import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchReportCsv, RATING_CRITERIA, useReport } from "../../api/feedback";
import { saveAs } from "../../lib/download";
import { ChangeChart } from "../../components/ChangeChart";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { TextField } from "../../components/forms";

export default function ReportPage() {
  const { t } = useTranslation();
  const [cohort, setCohort] = useState("");
  const report = useReport({ cohort: cohort || undefined });
  const [csvError, setCsvError] = useState<unknown>(null);
  const downloadCsv = async () => {
    setCsvError(null);
    try {
      await saveAs(fetchReportCsv(cohort || undefined), `nearpeer-report${cohort ? `-${cohort}` : ""}.csv`, "text/csv");
    } catch (e) {
      setCsvError(e);
    }
  };
  return (
    <Page title={t("report.title")} subtitle={t("report.lead")}>
      <div className="stack">
        <div className="row row--end">
          <TextField label={t("report.cohort")} name="cohort" value={cohort} onChange={(e) => setCohort(e.target.value)} />
          <button type="button" className="button button--secondary" onClick={() => void downloadCsv()}>
            {t("report.csv")}
          </button>
        </div>
        <ErrorAlert error={csvError ?? undefined} />
        <QueryView query={report}>
          {(r) => (
            <>
              <dl className="stats">
                <div>
                  <dt>{t("report.sessions")}</dt>
                  <dd>{r.sessions_held}</dd>
                </div>
                <div>
                  <dt>{t("report.attendance")}</dt>
                  <dd>{r.attendance}</dd>
                </div>
                <div>
                  <dt>{t("report.learners")}</dt>
                  <dd>{r.distinct_learners}</dd>
                </div>
                <div>
                  <dt>{t("report.flags")}</dt>
                  <dd>
                    {r.flags} ({t("report.open", { n: r.flags_open })})
                  </dd>
                </div>
                <div>
                  <dt>{t("report.retrospective")}</dt>
                  <dd>{r.pairs_with_retrospective_before}</dd>
                </div>
                <div>
                  <dt>{t("report.errata")}</dt>
                  <dd>{r.errata}</dd>
                </div>
              </dl>
              <section className="panel">
                <h2 className="panel__title">{t("report.change")}</h2>
                <ChangeChart rows={[{ label: t("progress.confidence"), change: r.confidence_change }, { label: t("progress.anxiety"), change: r.anxiety_change }]} />
              </section>
              <section className="panel">
                <h2 className="panel__title">{t("portfolio.ratings", { n: r.ratings.n })}</h2>
                <dl className="details">
                  {RATING_CRITERIA.map((c) => (
                    <div key={c}>
                      <dt>{t(`rate.${c}`)}</dt>
                      <dd>{r.ratings[c] != null ? `${r.ratings[c]!.toFixed(1)} / 5` : "—"}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            </>
          )}
        </QueryView>
      </div>
    </Page>
  );
}
