import { useTranslation } from "react-i18next";
import { useTrajectory } from "../../api/feedback";
import { Page } from "../../components/Page";
import { QueryView } from "../../components/QueryView";
import { TrajectoryChart } from "../../components/TrajectoryChart";

export default function ProgressPage() {
  const { t } = useTranslation();
  const trajectory = useTrajectory();
  return (
    <Page title={t("progress.title")} subtitle={t("progress.lead")}>
      <QueryView query={trajectory}>
        {(topics) =>
          topics.length === 0 ? (
            <p className="muted">{t("progress.none")}</p>
          ) : (
            <div className="card-grid">
              {topics.map((tr) => (
                <section key={tr.topic_id} className="panel" aria-labelledby={`tr-${tr.topic_id}`}>
                  <h2 className="panel__title" id={`tr-${tr.topic_id}`}>
                    {tr.topic_name ?? `#${tr.topic_id}`}
                  </h2>
                  <TrajectoryChart points={tr.points} title={t("progress.chartTitle", { topic: tr.topic_name ?? tr.topic_id })} />
                </section>
              ))}
            </div>
          )
        }
      </QueryView>
    </Page>
  );
}
