import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLearnerProfile } from "../../api/matching";
import { useBook, useCancelBooking, useMyBookings, useSessions, type Booking, type TeachingSession } from "../../api/sessions";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { SelectField } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";
import { CheckInForm } from "./SessionFeedbackPage";

export default function SessionsPage() {
  const { t } = useTranslation();
  const [start] = useState(() => new Date().toISOString());
  const all = useSessions({ start });
  const profile = useLearnerProfile();
  const [topicFilter, setTopicFilter] = useState("all");
  // Learners see what they can book: open or full (waitlist) sessions.
  const bookable = all.data?.filter((s) => s.state === "open" || s.state === "full");
  const wanted = new Set((profile.data?.topics ?? []).map((w) => w.topic_id));
  const topics = [...new Map((bookable ?? []).map((s) => [s.topic_id, s.topic_name])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const shown = bookable?.filter((s) =>
    topicFilter === "all" ? true : topicFilter === "mine" ? wanted.has(s.topic_id) : String(s.topic_id) === topicFilter,
  );
  const sessions = { ...all, data: shown };
  const bookings = useMyBookings();
  const book = useBook();
  const cancel = useCancelBooking();
  const mine = new Map<number, Booking>();
  for (const b of bookings.data ?? []) if (b.status !== "cancelled") mine.set(b.session_id, b);

  return (
    <Page title={t("sessions.title")} subtitle={t("sessions.lead")}>
      <ErrorAlert error={book.error ?? cancel.error ?? undefined} />
      {topics.length > 1 ? (
        <div className="row row--end">
          <SelectField label={t("sessions.filterTopic")} name="topic" value={topicFilter} onChange={(e) => setTopicFilter(e.target.value)}>
            <option value="all">{t("sessions.allTopics")}</option>
            {wanted.size ? <option value="mine">{t("sessions.myTopics")}</option> : null}
            {topics.map(([id, name]) => (
              <option key={id} value={String(id)}>
                {name}
              </option>
            ))}
          </SelectField>
        </div>
      ) : null}
      <QueryView query={sessions}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t("sessions.none")}</p>
          ) : (
            <ul className="list">
              {list.map((s) => (
                <SessionCard
                  key={s.id}
                  s={s}
                  booking={mine.get(s.id)}
                  busy={book.isPending || cancel.isPending}
                  onBook={() => book.mutate(s.id)}
                  onCancel={() => {
                    const booking = mine.get(s.id);
                    if (booking) cancel.mutate(booking.id);
                  }}
                />
              ))}
            </ul>
          )
        }
      </QueryView>
    </Page>
  );
}

export function SessionCard({
  s,
  booking,
  busy,
  onBook,
  onCancel,
}: {
  s: TeachingSession;
  booking?: Booking;
  busy: boolean;
  onBook: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const full = s.booked >= s.capacity || s.state === "full";
  const id = `session-${s.id}`;
  const active = booking && booking.status !== "cancelled";
  return (
    <li className="card" aria-labelledby={id}>
      <div className="card__head">
        <h2 className="card__title" id={id}>
          {s.topic_name}
        </h2>
        <span className="status status--info">{t(`sessionFormat.${s.format}`)}</span>
      </div>
      <p>
        <time dateTime={s.starts_at}>{fmt.dateTime(s.starts_at)}</time> – <time dateTime={s.ends_at}>{fmt.time(s.ends_at)}</time>
      </p>
      <p className="muted">
        {[s.place, s.online_url ? t("sessions.online") : null].filter(Boolean).join(" · ")}
        {s.tutors.length ? ` · ${t("sessions.with", { names: s.tutors.map((tu) => tu.display_name).join(", ") })}` : ""}
      </p>
      <p className="muted">
        {t("sessions.seats", { booked: s.booked, capacity: s.capacity })}
        {s.waitlisted ? ` · ${t("sessions.waitlisted", { count: s.waitlisted })}` : ""}
      </p>
      {s.plan ? <p>{s.plan}</p> : null}
      {active && booking.status === "booked" ? (
        <details className="why">
          <summary>{t("sessions.checkBefore")}</summary>
          {/* Feedback only knows a session once it is completed: the "before" check is tied to the topic. */}
          <CheckInForm session={{ id: null, topic_id: s.topic_id }} phase="before" />
        </details>
      ) : null}
      <div className="row">
        {active ? (
          <>
            <span className={`status status--${booking.status === "booked" ? "ok" : "warn"}`} role="status">
              {booking.status === "booked"
                ? t("sessions.youAreBooked")
                : t("sessions.youAreWaitlisted", { position: booking.waitlist_position ?? "?" })}
            </span>
            <button type="button" className="button button--secondary" disabled={busy} onClick={onCancel}>
              {booking.status === "booked" ? t("sessions.cancelBooking") : t("sessions.leaveWaitlist")}
            </button>
          </>
        ) : s.state === "cancelled" || s.state === "completed" ? (
          <span className="status status--warn">{t(`sessionState.${s.state}`)}</span>
        ) : (
          <button type="button" className="button button--primary" disabled={busy} onClick={onBook}>
            {full ? t("sessions.joinWaitlist") : t("sessions.book")}
          </button>
        )}
      </div>
    </li>
  );
}
