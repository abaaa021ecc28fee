import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/errors";
import { useTopics } from "../../api/matching";
import {
  clashesOf,
  useAttendees,
  useCancelSession,
  useCompleteSession,
  useCreateSession,
  useFreeSlots,
  useSessions,
  type SessionFormat,
  type TeachingSession,
} from "../../api/sessions";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { SelectField, TextAreaField, TextField, useFormErrors } from "../../components/forms";
import { isoToWallTime, wallTimeToIso } from "../../lib/format";
import { useFormat } from "../../lib/useFormat";


export default function TutorSessionsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const sessions = useSessions({ tutor_id: String(user?.id ?? "") });
  return (
    <Page title={t("teach.title")} subtitle={t("teach.lead")}>
      <div className="stack">
        <CreateSessionForm />
        <section aria-labelledby="my-sessions">
          <h2 className="section-title" id="my-sessions">
            {t("teach.mine")}
          </h2>
          <QueryView query={sessions}>
            {(list) =>
              list.length === 0 ? (
                <p className="muted">{t("teach.none")}</p>
              ) : (
                <ul className="list">
                  {[...list]
                    .sort((a, b) => a.starts_at.localeCompare(b.starts_at))
                    .map((s) => (
                      <TutorSessionCard key={s.id} s={s} />
                    ))}
                </ul>
              )
            }
          </QueryView>
        </section>
      </div>
    </Page>
  );
}

const FIELDS = ["topic_id", "format", "starts_at", "ends_at", "capacity", "place", "online_url", "plan", "cohort", "override_reason"];

function CreateSessionForm() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const fmt = useFormat();
  const topics = useTopics();
  const create = useCreateSession();
  const [v, setV] = useState({
    topic_id: "",
    format: "group" as SessionFormat,
    starts_at: "",
    ends_at: "",
    capacity: "8",
    place: "",
    online_url: "",
    plan: "",
    cohort: "",
    override_reason: "",
    open: true,
  });
  const [missing, setMissing] = useState<string[]>([]);
  const [findSlots, setFindSlots] = useState(false);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const errors = useFormErrors(create.error, FIELDS);
  const clashes = clashesOf(create.error);
  const clash = isApiError(create.error) && create.error.code === "timetable_clash";

  const slotParams = useMemo(() => {
    if (!findSlots || !user) return null;
    const start = new Date();
    return {
      user_ids: [String(user.id)],
      start: start.toISOString(),
      end: new Date(start.getTime() + 7 * 86_400_000).toISOString(),
      duration_minutes: 60,
    };
  }, [findSlots, user]);
  const slots = useFreeSlots(slotParams);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const need = ["topic_id", "starts_at", "ends_at"].filter((k) => !v[k as keyof typeof v]);
    if (!v.place.trim() && !v.online_url.trim()) need.push("place");
    setMissing(need);
    if (need.length) return;
    const topic = topics.data?.find((tp) => tp.id === Number(v.topic_id));
    create.mutate(
      {
        topic_id: Number(v.topic_id),
        topic_name: topic?.name ?? "",
        format: v.format,
        place: v.place.trim() || null,
        online_url: v.online_url.trim() || null,
        capacity: v.format === "one_to_one" ? 1 : Number(v.capacity),
        plan: v.plan.trim() || null,
        cohort: v.cohort.trim() || null,
        starts_at: wallTimeToIso(v.starts_at),
        ends_at: wallTimeToIso(v.ends_at),
        tutors: user ? [{ user_id: String(user.id), display_name: user.full_name || user.username }] : [],
        open: v.open,
        override_reason: v.override_reason.trim() || null,
      },
      { onSuccess: () => setV((p) => ({ ...p, starts_at: "", ends_at: "", plan: "", override_reason: "" })) },
    );
  };
  const err = (k: string) => errors.field(k) ?? (missing.includes(k) ? (k === "place" ? t("teach.placeOrLink") : t("errors.fields.missing")) : undefined);

  return (
    <section className="panel" aria-labelledby="create-title">
      <h2 className="panel__title" id="create-title">
        {t("teach.create")}
      </h2>
      <form className="form form--wide" onSubmit={submit} noValidate>
        {clash ? (
          <div className="alert" role="alert">
            <p>{t("teach.clash")}</p>
            <ul>
              {clashes.map((c, i) => (
                <li key={i}>
                  <strong>{c.title}</strong> ({t(`itemKind.${c.kind}`, { defaultValue: c.kind })}) — {fmt.dateTime(c.starts_at)}–{fmt.time(c.ends_at)}
                </li>
              ))}
            </ul>
            <p>{t("teach.clashOverride")}</p>
          </div>
        ) : (
          <ErrorAlert error={errors.formError ? create.error : undefined} />
        )}
        {create.isSuccess ? (
          <p className="notice" role="status">
            {t("teach.created")}
          </p>
        ) : null}
        <SelectField label={t("teach.topic")} name="topic_id" value={v.topic_id} onChange={set("topic_id")} error={err("topic_id")}>
          <option value="">{t("find.chooseTopic")}</option>
          {(topics.data ?? []).filter((tp) => !tp.retired_at).map((tp) => (
            <option key={tp.id} value={tp.id}>
              {tp.path || tp.name}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("teach.format")} name="format" value={v.format} onChange={set("format")} error={err("format")}>
          <option value="group">{t("sessionFormat.group")}</option>
          <option value="one_to_one">{t("sessionFormat.one_to_one")}</option>
        </SelectField>
        <div className="grid-2">
          <TextField
            label={t("teach.starts")}
            hint={t("teach.zoneHint", { zone: fmt.zoneName() })}
            type="datetime-local"
            name="starts_at"
            value={v.starts_at}
            onChange={set("starts_at")}
            error={err("starts_at")}
          />
          <TextField label={t("teach.ends")} type="datetime-local" name="ends_at" value={v.ends_at} onChange={set("ends_at")} error={err("ends_at")} />
        </div>
        <div className="row">
          <button type="button" className="button button--secondary button--small" onClick={() => setFindSlots(true)}>
            {t("teach.findSlot")}
          </button>
        </div>
        {findSlots ? (
          <QueryView query={slots}>
            {(list) =>
              list.length === 0 ? (
                <p className="muted">{t("teach.noSlot")}</p>
              ) : (
                <ul className="chips" aria-label={t("teach.slots")}>
                  {list.slice(0, 8).map((s) => (
                    <li key={s.starts_at}>
                      <button
                        type="button"
                        className="chip"
                        onClick={() =>
                          setV((p) => ({
                            ...p,
                            starts_at: isoToWallTime(s.starts_at),
                            ends_at: isoToWallTime(new Date(new Date(s.starts_at).getTime() + 60 * 60_000).toISOString()),
                          }))
                        }
                      >
                        {fmt.dateTime(s.starts_at)}
                      </button>
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryView>
        ) : null}
        {v.format === "group" ? (
          <TextField label={t("teach.capacity")} type="number" min={1} max={500} name="capacity" value={v.capacity} onChange={set("capacity")} error={err("capacity")} />
        ) : null}
        <TextField label={t("teach.place")} name="place" value={v.place} onChange={set("place")} error={err("place")} />
        <TextField label={t("teach.onlineUrl")} type="url" name="online_url" value={v.online_url} onChange={set("online_url")} error={err("online_url")} />
        <TextField label={t("teach.cohort")} name="cohort" value={v.cohort} onChange={set("cohort")} error={err("cohort")} />
        <TextAreaField label={t("teach.plan")} name="plan" value={v.plan} onChange={set("plan")} error={err("plan")} />
        {clash ? (
          <TextAreaField label={t("teach.overrideReason")} hint={t("teach.overrideHint")} name="override_reason" value={v.override_reason} onChange={set("override_reason")} error={err("override_reason")} />
        ) : null}
        <label className="check">
          <input type="checkbox" checked={v.open} onChange={(e) => setV((p) => ({ ...p, open: e.target.checked }))} />
          <span>{t("teach.openNow")}</span>
        </label>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("teach.submit")}
        </button>
      </form>
    </section>
  );
}

function TutorSessionCard({ s }: { s: TeachingSession }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [open, setOpen] = useState(false);
  const attendees = useAttendees(open ? s.id : null);
  const complete = useCompleteSession();
  const cancel = useCancelSession();
  const [absent, setAbsent] = useState<string[]>([]);
  const id = `ts-${s.id}`;
  const booked = (attendees.data ?? []).filter((b) => b.status === "booked");
  const waiting = (attendees.data ?? []).filter((b) => b.status === "waitlisted");
  const done = s.state === "completed" || s.state === "cancelled";
  return (
    <li className="card" aria-labelledby={id}>
      <div className="card__head">
        <h3 className="card__title" id={id}>
          {s.topic_name}
        </h3>
        <span className={`status status--${s.state === "completed" ? "ok" : s.state === "cancelled" ? "bad" : "info"}`}>{t(`sessionState.${s.state}`)}</span>
      </div>
      <p>
        {fmt.dateTime(s.starts_at)}–{fmt.time(s.ends_at)} · {t("sessions.seats", { booked: s.booked, capacity: s.capacity })}
      </p>
      <p className="muted">{[s.place, s.online_url].filter(Boolean).join(" · ")}</p>
      <ErrorAlert error={complete.error ?? cancel.error ?? undefined} />
      <div className="row">
        <button type="button" className="button button--secondary button--small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {t("teach.attendees")}
        </button>
        {!done ? (
          <button type="button" className="button button--secondary button--small" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: s.id, reason: null })}>
            {t("teach.cancelSession")}
          </button>
        ) : null}
      </div>
      {open ? (
        <QueryView query={attendees}>
          {() => (
            <div className="stack">
              {booked.length === 0 ? <p className="muted">{t("teach.noAttendees")}</p> : null}
              {booked.length ? (
                <fieldset className="checks">
                  <legend className="field__label">{done ? t("teach.attendees") : t("teach.attendance")}</legend>
                  {booked.map((b) => (
                    <label key={b.id} className="check">
                      <input
                        type="checkbox"
                        disabled={done}
                        checked={done ? b.attended !== false : !absent.includes(b.learner_id)}
                        onChange={(e) => setAbsent((a) => (e.target.checked ? a.filter((x) => x !== b.learner_id) : [...a, b.learner_id]))}
                      />
                      <span>{b.learner_name}</span>
                    </label>
                  ))}
                </fieldset>
              ) : null}
              {waiting.length ? (
                <p className="muted">
                  {t("teach.waitlist")}: {waiting.map((b) => b.learner_name).join(", ")}
                </p>
              ) : null}
              {!done ? (
                <button
                  type="button"
                  className="button button--primary"
                  disabled={complete.isPending}
                  onClick={() => complete.mutate({ id: s.id, attendance: booked.map((b) => ({ learner_id: b.learner_id, attended: !absent.includes(b.learner_id) })) })}
                >
                  {t("teach.complete")}
                </button>
              ) : null}
            </div>
          )}
        </QueryView>
      ) : null}
    </li>
  );
}
