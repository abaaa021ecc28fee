import { useMemo, type ComponentProps } from "react";
import { useTranslation } from "react-i18next";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useCreateEndorsement, useCreateObservation, useFeedbackSessions } from "../../api/feedback";
import { useFormat } from "../../lib/useFormat";
import { useTopics, useTutors } from "../../api/matching";
import { Page } from "../../components/Page";
import { ErrorAlert } from "../../components/QueryView";
import { ScaleField, SelectField, TextAreaField, useServerErrors } from "../../components/forms";
import { TopicSelect } from "../../components/TopicSelect";

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

function observationSchema(required: string) {
  const score = z.number({ error: required }).int().min(1).max(5);
  return z.object({
    session_id: z.string().min(1, required),
    tutor_id: z.string(),
    preparation: score,
    accuracy: score,
    engagement: score,
    safety: score,
    comment: z.string().trim(),
  });
}
type ObservationValues = z.infer<ReturnType<typeof observationSchema>>;
const OBSERVATION_FIELDS = ["session_id", "tutor_id", ...CRITERIA, "comment"] as const;

function ObservationForm() {
  const { t } = useTranslation();
  const sessions = useFeedbackSessions();
  const fmt = useFormat();
  const create = useCreateObservation();
  const schema = useMemo(() => observationSchema(t("errors.fields.missing")), [t]);
  const { register, control, handleSubmit, setError, formState } = useForm<ObservationValues>({
    resolver: zodResolver(schema),
    defaultValues: { session_id: "", tutor_id: "", comment: "" },
  });
  const formError = useServerErrors(create.error, setError, OBSERVATION_FIELDS);
  const errors = formState.errors;
  const submit = handleSubmit(({ session_id, tutor_id, comment, ...scores }) =>
    create.mutate({ sessionId: session_id, ...scores, comment: comment || null, tutor_id: tutor_id || null }),
  );
  return (
    <section className="panel" aria-labelledby="obs-title">
      <h2 className="panel__title" id="obs-title">
        {t("observe.observation")}
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? create.error : undefined} />
        {create.isSuccess ? <p className="notice" role="status">{t("observe.saved")}</p> : null}
        <SelectField label={t("observe.session")} {...register("session_id")} error={errors.session_id?.message}>
          <option value="">—</option>
          {(sessions.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.topic_name} · {fmt.dateTime(s.starts_at)}
            </option>
          ))}
        </SelectField>
        <TutorSelect {...register("tutor_id")} error={errors.tutor_id?.message} />
        {CRITERIA.map((c) => (
          <Controller
            key={c}
            control={control}
            name={c}
            render={({ field }) => (
              <ScaleField legend={t(`observe.${c}`)} name={`obs-${c}`} value={field.value ?? null} onChange={field.onChange} low={t("rate.low")} high={t("rate.high")} error={errors[c]?.message} />
            )}
          />
        ))}
        <TextAreaField label={t("rate.comment")} {...register("comment")} error={errors.comment?.message} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("observe.submit")}
        </button>
      </form>
    </section>
  );
}

const endorsementSchema = z.object({ tutor_id: z.string().trim(), topic_id: z.string(), note: z.string().trim() });
type EndorsementValues = z.infer<typeof endorsementSchema>;
const ENDORSEMENT_FIELDS = ["tutor_id", "topic_id", "note"] as const;

function EndorsementForm() {
  const { t } = useTranslation();
  const topics = useTopics();
  const create = useCreateEndorsement();
  const { register, handleSubmit, setError, formState } = useForm<EndorsementValues>({
    resolver: zodResolver(endorsementSchema),
    defaultValues: { tutor_id: "", topic_id: "", note: "" },
  });
  const formError = useServerErrors(create.error, setError, ENDORSEMENT_FIELDS);
  const errors = formState.errors;
  const submit = handleSubmit((v) => {
    const topic = topics.data?.find((tp) => tp.id === Number(v.topic_id));
    create.mutate({ tutor_id: v.tutor_id, topic_id: Number(v.topic_id), topic_name: topic?.name ?? null, note: v.note || null });
  });
  return (
    <section className="panel" aria-labelledby="end-title">
      <h2 className="panel__title" id="end-title">
        {t("observe.endorsement")}
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? create.error : undefined} />
        {create.isSuccess ? <p className="notice" role="status">{t("observe.saved")}</p> : null}
        <TutorSelect {...register("tutor_id")} error={errors.tutor_id?.message} />
        <TopicSelect includeRetired label={t("teach.topic")} {...register("topic_id")} error={errors.topic_id?.message} />
        <TextAreaField label={t("observe.note")} {...register("note")} error={errors.note?.message} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("observe.endorse")}
        </button>
      </form>
    </section>
  );
}

function TutorSelect(props: Omit<ComponentProps<typeof SelectField>, "label" | "children">) {
  const { t } = useTranslation();
  const tutors = useTutors();
  return (
    <SelectField label={t("approvals.tutor")} {...props}>
      <option value="">—</option>
      {(tutors.data ?? []).map((tu) => (
        <option key={tu.user_id} value={tu.user_id}>
          {tu.display_name}
        </option>
      ))}
    </SelectField>
  );
}
