import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFeedUrl, useMyAgenda, type AgendaEntry } from "../../api/sessions";
import { Page } from "../../components/Page";
import { CopyButton } from "../../components/CopyButton";
import { QueryView } from "../../components/QueryView";
import { TextField } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

const DAY = 86_400_000;

export default function CalendarPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [{ start, end }] = useState(() => {
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    return { start: from.toISOString(), end: new Date(from.getTime() + 14 * DAY).toISOString() };
  });
  const agenda = useMyAgenda(start, end);
  const feed = useFeedUrl();

  /** Entries by day; one that began before the window (a rotation, say) is listed on the first day. */
  const byDay = (entries: AgendaEntry[]) => {
    const days = new Map<string, AgendaEntry[]>();
    for (const entry of entries) {
      const key = fmt.longDate(new Date(entry.starts_at) < new Date(start) ? start : entry.starts_at);
      days.set(key, [...(days.get(key) ?? []), entry]);
    }
    return [...days.entries()];
  };

  const sameDay = (entry: AgendaEntry) => fmt.longDate(entry.starts_at) === fmt.longDate(entry.ends_at);

  const details = (entry: AgendaEntry) => {
    const parts =
      entry.source === "session"
        ? [
            t("itemKind.session"),
            entry.role === "tutor" ? t("calendar.teaching") : t("calendar.attending"),
            entry.waitlisted ? t("calendar.waitlisted") : null,
            entry.state === "draft" ? t("sessionState.draft") : null,
            entry.location === "online" ? t("calendar.online") : entry.location,
          ]
        : [t(`itemKind.${entry.kind}`, { defaultValue: entry.kind }), entry.location];
    return parts.filter(Boolean).join(" · ");
  };

  return (
    <Page title={t("calendar.title")} subtitle={t("calendar.lead")}>
      <QueryView query={agenda}>
        {(data) =>
          data.entries.length === 0 ? (
            <p className="muted">{t("calendar.empty")}</p>
          ) : (
            <div className="agenda">
              {byDay(data.entries).map(([day, list]) => (
                <section key={day} className="agenda__day" aria-label={day}>
                  <h2 className="agenda__date">{day}</h2>
                  <ul className="list">
                    {list.map((entry) => (
                      <li key={entry.id} className={`agenda__item agenda__item--${entry.source}`}>
                        <span className="agenda__time">
                          <time dateTime={entry.starts_at}>{sameDay(entry) ? fmt.time(entry.starts_at) : fmt.dateTime(entry.starts_at)}</time>–
                          <time dateTime={entry.ends_at}>{sameDay(entry) ? fmt.time(entry.ends_at) : fmt.dateTime(entry.ends_at)}</time>
                        </span>
                        <span>
                          <strong>{entry.title}</strong>
                          <span className="muted"> · {details(entry)}</span>
                        </span>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          )
        }
      </QueryView>

      <section className="panel" aria-labelledby="feed-title">
        <h2 className="panel__title" id="feed-title">
          {t("calendar.subscribe")}
        </h2>
        <p className="muted">{t("calendar.subscribeLead")}</p>
        <QueryView query={feed}>
          {(f) => (
            <>
              <TextField label={t("calendar.feedUrl")} name="feed-url" readOnly value={f.url} onFocus={(e) => e.target.select()} />
              <div className="row">
                <CopyButton text={f.url} label={t("calendar.copy")} />
              </div>
              <ul className="hints">
                <li>
                  <strong>Google</strong> — {t("calendar.hintGoogle")}
                </li>
                <li>
                  <strong>Outlook</strong> — {t("calendar.hintOutlook")}
                </li>
                <li>
                  <strong>Apple</strong> — {t("calendar.hintApple")}
                </li>
              </ul>
              <p className="muted">{t("calendar.private")}</p>
            </>
          )}
        </QueryView>
      </section>
    </Page>
  );
}
