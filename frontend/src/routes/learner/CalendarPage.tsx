import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFeedUrl, useMyBookings, useMyBusy, useSessions } from "../../api/sessions";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { CopyButton, ErrorAlert, QueryView } from "../../components/forms";
import { Spinner } from "../../components/Loader";
import { useFormat } from "../../lib/useFormat";

const DAY = 86_400_000;

interface AgendaItem {
  key: string;
  title: string;
  detail: string;
  starts_at: string;
  ends_at: string;
  session: boolean;
}

/** Overlap test for intervals given as ISO strings. */
function overlaps(a: { starts_at: string; ends_at: string }, b: { starts_at: string; ends_at: string }) {
  return new Date(a.starts_at) < new Date(b.ends_at) && new Date(b.starts_at) < new Date(a.ends_at);
}

export default function CalendarPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { user } = useAuth();
  const me = user ? String(user.id) : null;
  const [{ start, end }] = useState(() => {
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    return { start: from.toISOString(), end: new Date(from.getTime() + 14 * DAY).toISOString() };
  });
  const sessions = useSessions({ start, end });
  const bookings = useMyBookings();
  const busy = useMyBusy(me, start, end);
  const feed = useFeedUrl();

  const booked = new Set((bookings.data ?? []).filter((b) => b.status !== "cancelled").map((b) => b.session_id));
  const mine = (sessions.data ?? []).filter(
    (s) => s.state !== "cancelled" && (booked.has(s.id) || s.tutors.some((tu) => tu.user_id === me)),
  );
  const items: AgendaItem[] = [
    ...mine.map((s) => ({
      key: `s${s.id}`,
      title: s.topic_name,
      detail: [t("itemKind.session"), s.place].filter(Boolean).join(" · "),
      starts_at: s.starts_at,
      ends_at: s.ends_at,
      session: true,
    })),
    // Busy blocks that are not one of our sessions come from the timetable (lectures, rotations, on call).
    ...(busy.data?.[0]?.busy ?? [])
      .filter((b) => !mine.some((s) => overlaps(s, b)))
      .map((b, i) => ({ key: `b${i}`, title: t("calendar.busy"), detail: t("calendar.timetable"), starts_at: b.starts_at, ends_at: b.ends_at, session: false })),
  ].sort((a, b) => a.starts_at.localeCompare(b.starts_at));

  const days = new Map<string, AgendaItem[]>();
  for (const item of items) {
    const key = fmt.longDate(item.starts_at);
    days.set(key, [...(days.get(key) ?? []), item]);
  }

  return (
    <Page title={t("calendar.title")} subtitle={t("calendar.lead")}>
      {sessions.isLoading || bookings.isLoading ? <Spinner /> : null}
      <ErrorAlert error={sessions.error ?? bookings.error ?? undefined} />
      {busy.error ? <p className="notice">{t("calendar.noTimetable")}</p> : null}
      {!sessions.isLoading && items.length === 0 ? <p className="muted">{t("calendar.empty")}</p> : null}
      <div className="agenda">
        {[...days.entries()].map(([day, list]) => (
          <section key={day} className="agenda__day" aria-label={day}>
            <h2 className="agenda__date">{day}</h2>
            <ul className="list">
              {list.map((item) => (
                <li key={item.key} className={`agenda__item agenda__item--${item.session ? "session" : "timetable"}`}>
                  <span className="agenda__time">
                    {fmt.time(item.starts_at)}–{fmt.time(item.ends_at)}
                  </span>
                  <span>
                    <strong>{item.title}</strong>
                    <span className="muted"> · {item.detail}</span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>

      <section className="panel" aria-labelledby="feed-title">
        <h2 className="panel__title" id="feed-title">
          {t("calendar.subscribe")}
        </h2>
        <p className="muted">{t("calendar.subscribeLead")}</p>
        <QueryView query={feed}>
          {(f) => (
            <>
              <div className="field">
                <label className="field__label" htmlFor="feed-url">
                  {t("calendar.feedUrl")}
                </label>
                <div className="field__control">
                  <input id="feed-url" className="field__input" readOnly value={f.url} onFocus={(e) => e.target.select()} />
                </div>
              </div>
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
