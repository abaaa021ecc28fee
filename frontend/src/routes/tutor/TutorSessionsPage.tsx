import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
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
  type TeachingSession,
} from "../../api/sessions";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { FieldFrame, SelectField, TextAreaField, TextField, useServerErrors } from "../../components/forms";
import { TopicSelect } from "../../components/TopicSelect";
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

function sessionSchema(required: string, placeOrLink: string) {
  return z
    .object({
      topic_id: z.string().min(1, required),
      format: z.enum(["group", "one_to_one"]),
      starts_at: z.string().min(1, required),
      ends_at: z.string().min(1, required),
      capacity: z.string(),
      place: z.string().trim(),
      online_url: z.string().trim(),
      plan: z.string().trim(),
      cohort: z.string().trim(),
      override_reason: z.string().trim(),
      open: z.boolean(),
    })
    .refine((v) => v.place || v.online_url, { path: ["place"], message: placeOrLink });
}
type SessionValues = z.infer<ReturnType<typeof sessionSchema>>;
const FIELDS = ["topic_id", "format", "starts_at", "ends_at", "capacity", "place", "online_url", "plan", "cohort", "override_reason"] as const;
const EMPTY_SESSION: SessionValues = {
  topic_id: "",
  format: "group",
  starts_at: "",
  ends_at: "",
  capacity: "8",
  place: "",
  online_url: "",
  plan: "",
  cohort: "",
  override_reason: "",
  open: true,
};

function CreateSessionForm() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const fmt = useFormat();
  const topics = useTopics();
  const create = useCreateSession();
  const schema = useMemo(() => sessionSchema(t("errors.fields.missing"), t("teach.placeOrLink")), [t]);
  const { register, control, handleSubmit, setError, setValue, resetField, formState } = useForm<SessionValues>({
    resolver: zodResolver(schema),
    defaultValues: EMPTY_SESSION,
  });
  const format = useWatch({ control, name: "format" });
  const [findSlots, setFindSlots] = useState(false);
  const formError = useServerErrors(create.error, setError, FIELDS);
  const errors = formState.errors;
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

  const submit = handleSubmit((v) => {
    const topic = topics.data?.find((tp) => tp.id === Number(v.topic_id));
    create.mutate(
      {
        topic_id: Number(v.topic_id),
        topic_name: topic?.name ?? "",
        format: v.format,
        place: v.place || null,
        online_url: v.online_url || null,
        capacity: v.format === "one_to_one" ? 1 : Number(v.capacity),
        plan: v.plan || null,
        cohort: v.cohort || null,
        starts_at: wallTimeToIso(v.starts_at),
        ends_at: wallTimeToIso(v.ends_at),
        tutors: user ? [{ user_id: String(user.id), display_name: user.full_name || user.username }] : [],
        open: v.open,
        override_reason: v.override_reason || null,
      },
      { onSuccess: () => (["starts_at", "ends_at", "plan", "override_reason"] as const).forEach((k) => resetField(k)) },
    );
  });

  return (
    <section className="panel" aria-labelledby="create-title">
      <h2 className="panel__title" id="create-title">
        {t("teach.create")}
      </h2>
      <form className="form form--wide" onSubmit={(e) => void submit(e)} noValidate>
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
          <ErrorAlert error={formError ? create.error : undefined} />
        )}
        {create.isSuccess ? (
          <p className="notice" role="status">
            {t("teach.created")}
          </p>
        ) : null}
        <TopicSelect label={t("teach.topic")} {...register("topic_id")} error={errors.topic_id?.message} />
        <SelectField label={t("teach.format")} {...register("format")} error={errors.format?.message}>
          <option value="group">{t("sessionFormat.group")}</option>
          <option value="one_to_one">{t("sessionFormat.one_to_one")}</option>
        </SelectField>
        <div className="grid-2">
          <TextField
            label={t("teach.starts")}
            hint={t("teach.zoneHint", { zone: fmt.zoneName() })}
            type="datetime-local"
            {...register("starts_at")}
            error={errors.starts_at?.message}
          />
          <TextField label={t("teach.ends")} type="datetime-local" {...register("ends_at")} error={errors.ends_at?.message} />
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
                        onClick={() => {
                          setValue("starts_at", isoToWallTime(s.starts_at));
                          setValue("ends_at", isoToWallTime(new Date(new Date(s.starts_at).getTime() + 60 * 60_000).toISOString()));
                        }}
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
        {format === "group" ? (
          <TextField label={t("teach.capacity")} type="number" min={1} max={500} {...register("capacity")} error={errors.capacity?.message} />
        ) : null}
        <TextField label={t("teach.place")} {...register("place")} error={errors.place?.message} />
        <TextField label={t("teach.onlineUrl")} type="url" {...register("online_url")} error={errors.online_url?.message} />
        <TextField label={t("teach.cohort")} {...register("cohort")} error={errors.cohort?.message} />
        <TextAreaField label={t("teach.plan")} {...register("plan")} error={errors.plan?.message} />
        {clash ? (
          <TextAreaField label={t("teach.overrideReason")} hint={t("teach.overrideHint")} {...register("override_reason")} error={errors.override_reason?.message} />
        ) : null}
        <label className="check">
          <input type="checkbox" {...register("open")} />
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
                <FieldFrame label={done ? t("teach.attendees") : t("teach.attendance")} group="checks">
                  {() =>
                    booked.map((b) => (
                      <label key={b.id} className="check">
                        <input
                          type="checkbox"
                          disabled={done}
                          checked={done ? b.attended !== false : !absent.includes(b.learner_id)}
                          onChange={(e) => setAbsent((a) => (e.target.checked ? a.filter((x) => x !== b.learner_id) : [...a, b.learner_id]))}
                        />
                        <span>{b.learner_name}</span>
                      </label>
                    ))
                  }
                </FieldFrame>
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
