import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useFeedbackSessions } from "../../api/feedback";
import { Page } from "../../components/Page";
import { QueryView } from "../../components/QueryView";
import { useFormat } from "../../lib/useFormat";

/** Completed sessions the learner attended: rate them, check in, flag. */
export default function PastSessionsPage({ base = "/learner/past", title, lead }: { base?: string; title?: string; lead?: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const sessions = useFeedbackSessions();
  return (
    <Page title={title ?? t("past.title")} subtitle={lead ?? t("past.lead")}>
      <QueryView query={sessions}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t("past.none")}</p>
          ) : (
            <ul className="list">
              {[...list]
                .sort((a, b) => b.starts_at.localeCompare(a.starts_at))
                .map((s) => (
                  <li key={s.id}>
                    <Link className="card card--link card--row" to={`${base}/${encodeURIComponent(s.id)}`}>
                      <span>
                        <span className="card__title">{s.topic_name}</span>
                        <span className="muted"> · {fmt.dateTime(s.starts_at)}</span>
                      </span>
                      <span aria-hidden="true">›</span>
                    </Link>
                  </li>
                ))}
            </ul>
          )
        }
      </QueryView>
    </Page>
  );
}
