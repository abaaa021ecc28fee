import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useCreateEndorsement, useCreateObservation, useFeedbackSessions } from "../../api/feedback";
import { useFormat } from "../../lib/useFormat";
import { useTopics, useTutors } from "../../api/matching";
import { Page } from "../../components/Page";
import { ErrorAlert } from "../../components/QueryView";
import { ScaleField, SelectField, TextAreaField, useFormErrors } from "../../components/forms";

const CRITERIA = ["preparation", "accuracy", "engagement", "safety"] as const;

export default function ObservationsPage() {
  const { t } = useTranslation();
  return (
    <Page title={t("observe.title")} subtitle={t("observe.lead")}>
      <div className="stack">
        <ObservationForm />
        <EndorsementForm />
      </div>
    </Page>
  );
}

function ObservationForm() {
  const { t } = useTranslation();
  const [sessionId, setSessionId] = useState("");
  const sessions = useFeedbackSessions();
  const fmt = useFormat();
  const [tutorId, setTutorId] = useState("");
  const [scores, setScores] = useState<Record<string, number | null>>({ preparation: null, accuracy: null, engagement: null, safety: null });
  const [comment, setComment] = useState("");
  const create = useCreateObservation(sessionId.trim());
  const errors = useFormErrors(create.error, [...CRITERIA, "comment", "tutor_id"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!sessionId.trim() || CRITERIA.some((c) => scores[c] === null)) return;
    create.mutate({
      preparation: scores.preparation!,
      accuracy: scores.accuracy!,
      engagement: scores.engagement!,
      safety: scores.safety!,
      comment: comment.trim() || null,
      tutor_id: tutorId.trim() || null,
    });
  };
  return (
    <section className="panel" aria-labelledby="obs-title">
      <h2 className="panel__title" id="obs-title">
        {t("observe.observation")}
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={errors.formError ? create.error : undefined} />
        {create.isSuccess ? <p className="notice" role="status">{t("observe.saved")}</p> : null}
        <SelectField label={t("observe.session")} name="session_id" value={sessionId} onChange={(e) => setSessionId(e.target.value)}>
          <option value="">—</option>
          {(sessions.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.topic_name} · {fmt.dateTime(s.starts_at)}
            </option>
          ))}
        </SelectField>
        <TutorSelect value={tutorId} onChange={setTutorId} error={errors.field("tutor_id")} />
        {CRITERIA.map((c) => (
          <ScaleField key={c} legend={t(`observe.${c}`)} name={`obs-${c}`} value={scores[c] ?? null} onChange={(v) => setScores((s) => ({ ...s, [c]: v }))} low={t("rate.low")} high={t("rate.high")} error={errors.field(c)} />
        ))}
        <TextAreaField label={t("rate.comment")} name="comment" value={comment} onChange={(e) => setComment(e.target.value)} error={errors.field("comment")} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("observe.submit")}
        </button>
      </form>
    </section>
  );
}

function EndorsementForm() {
  const { t } = useTranslation();
  const topics = useTopics();
  const create = useCreateEndorsement();
  const [v, setV] = useState({ tutor_id: "", topic_id: "", note: "" });
  const errors = useFormErrors(create.error, ["tutor_id", "topic_id", "note"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const topic = topics.data?.find((tp) => tp.id === Number(v.topic_id));
    create.mutate({ tutor_id: v.tutor_id.trim(), topic_id: Number(v.topic_id), topic_name: topic?.name ?? null, note: v.note.trim() || null });
  };
  return (
    <section className="panel" aria-labelledby="end-title">
      <h2 className="panel__title" id="end-title">
        {t("observe.endorsement")}
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={errors.formError ? create.error : undefined} />
        {create.isSuccess ? <p className="notice" role="status">{t("observe.saved")}</p> : null}
        <TutorSelect value={v.tutor_id} onChange={(id) => setV({ ...v, tutor_id: id })} error={errors.field("tutor_id")} />
        <SelectField label={t("teach.topic")} name="topic_id" value={v.topic_id} onChange={(e) => setV({ ...v, topic_id: e.target.value })} error={errors.field("topic_id")}>
          <option value="">{t("find.chooseTopic")}</option>
          {(topics.data ?? []).map((tp) => (
            <option key={tp.id} value={tp.id}>
              {tp.path || tp.name}
            </option>
          ))}
        </SelectField>
        <TextAreaField label={t("observe.note")} name="note" value={v.note} onChange={(e) => setV({ ...v, note: e.target.value })} error={errors.field("note")} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("observe.endorse")}
        </button>
      </form>
    </section>
  );
}

function TutorSelect({ value, onChange, error }: { value: string; onChange: (id: string) => void; error?: string }) {
  const { t } = useTranslation();
  const tutors = useTutors();
  return (
    <SelectField label={t("approvals.tutor")} name="tutor_id" value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">—</option>
      {(tutors.data ?? []).map((tu) => (
        <option key={tu.user_id} value={tu.user_id}>
          {tu.display_name}
        </option>
      ))}
    </SelectField>
  );
}
