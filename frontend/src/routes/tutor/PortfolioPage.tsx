import { useTranslation } from "react-i18next";
import { useState } from "react";
import { fetchCertificate, RATING_CRITERIA, usePortfolio } from "../../api/feedback";
import { useAuth } from "../../auth/AuthContext";
import { saveAs } from "../../lib/download";
import { ChangeChart } from "../../components/ChangeChart";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { useFormat } from "../../lib/useFormat";

export default function PortfolioPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { user } = useAuth();
  const me = user ? String(user.id) : null;
  const portfolio = usePortfolio(me);
  const [certError, setCertError] = useState<unknown>(null);
  return (
    <Page title={t("portfolio.title")} subtitle={t("portfolio.lead")}>
      <QueryView query={portfolio}>
        {(p) => (
          <div className="stack">
            <dl className="stats">
              <div>
                <dt>{t("portfolio.sessions")}</dt>
                <dd>{p.sessions_taught}</dd>
              </div>
              <div>
                <dt>{t("portfolio.hours")}</dt>
                <dd>{p.hours.toFixed(1)}</dd>
              </div>
              <div>
                <dt>{t("portfolio.learners")}</dt>
                <dd>{p.learners_reached}</dd>
              </div>
            </dl>
            <div className="row">
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  setCertError(null);
                  saveAs(fetchCertificate(p.tutor_id, user?.full_name || undefined), "nearpeer-certificate.html", "text/html").catch(setCertError);
                }}
              >
                {t("portfolio.certificate")}
              </button>
            </div>
            <ErrorAlert error={certError ?? undefined} />
            <section className="panel">
              <h2 className="panel__title">{t("portfolio.ratings", { n: p.ratings.n })}</h2>
              <dl className="details">
                {RATING_CRITERIA.map((c) => (
                  <div key={c}>
                    <dt>{t(`rate.${c}`)}</dt>
                    <dd>{p.ratings[c] != null ? `${p.ratings[c]!.toFixed(1)} / 5` : "—"}</dd>
                  </div>
                ))}
              </dl>
            </section>
            <section className="panel">
              <h2 className="panel__title">{t("portfolio.learnerChange")}</h2>
              <ChangeChart rows={[{ label: t("progress.confidence"), change: p.confidence_change }, { label: t("progress.anxiety"), change: p.anxiety_change }]} />
            </section>
            <section className="panel">
              <h2 className="panel__title">{t("portfolio.taught")}</h2>
              <ul className="plain">
                {p.taught.map((tc) => (
                  <li key={`${tc.topic_id}-${tc.format}`}>
                    {tc.topic_name} — {t("portfolio.taughtLine", { sessions: tc.sessions, hours: tc.hours.toFixed(1) })}
                  </li>
                ))}
              </ul>
            </section>
            {p.endorsements.length ? (
              <section className="panel">
                <h2 className="panel__title">{t("portfolio.endorsements")}</h2>
                <ul className="plain">
                  {p.endorsements.map((e) => (
                    <li key={e.id}>
                      <strong>{e.topic_name ?? `#${e.topic_id}`}</strong> — {e.supervisor_name ?? ""} {e.note ? `: ${e.note}` : ""}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {p.errata.length ? (
              <section className="panel">
                <h2 className="panel__title">{t("portfolio.errata")}</h2>
                <ul className="plain">
                  {p.errata.map((e) => (
                    <li key={e.id}>
                      {fmt.date(e.created_at)} · {e.topic_name}: <q>{e.quote}</q> → {e.correction}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        )}
      </QueryView>
    </Page>
  );
}
