import { useMemo } from "react";
import { useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Controller, useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import {
  RATING_CRITERIA,
  useFeedbackSession,
  useCreateAssessment,
  useCreateFlag,
  useMyRating,
  useSaveRating,
  type OwnRating,
} from "../../api/feedback";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { ScaleField, TextAreaField, TextField, useServerErrors } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

export default function SessionFeedbackPage() {
  const { sessionId = "" } = useParams();
  const fmt = useFormat();
  const session = useFeedbackSession(sessionId);
  return (
    <QueryView query={session}>
      {(s) => (
        <Page title={s.topic_name} subtitle={fmt.dateTime(s.starts_at)}>
          <div className="stack">
            <RatingForm sessionId={s.id} />
            <CheckInForm session={s} />
            <FlagForm sessionId={s.id} />
          </div>
        </Page>
      )}
    </QueryView>
  );
}

function RatingForm({ sessionId }: { sessionId: string }) {
  const rating = useMyRating(sessionId);
  return <QueryView query={rating}>{(existing) => <RatingFields sessionId={sessionId} existing={existing} />}</QueryView>;
}

function ratingSchema(required: string) {
  const score = z.number({ error: required }).int().min(1).max(5);
  return z.object({ clarity: score, accuracy: score, usefulness: score, tutor_approach: score, comment: z.string().trim().max(4000) });
}
type RatingValues = z.infer<ReturnType<typeof ratingSchema>>;
const RATING_FIELDS = [...RATING_CRITERIA, "comment"] as const;

function RatingFields({ sessionId, existing }: { sessionId: string; existing: OwnRating | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const schema = useMemo(() => ratingSchema(t("rate.required")), [t]);
  const { register, control, handleSubmit, setError, formState } = useForm<RatingValues>({
    resolver: zodResolver(schema),
    // A criterion not yet rated has no value: the schema then asks for it.
    defaultValues: {
      clarity: existing?.clarity,
      accuracy: existing?.accuracy,
      usefulness: existing?.usefulness,
      tutor_approach: existing?.tutor_approach,
      comment: existing?.comment ?? "",
    },
  });
  const save = useSaveRating(sessionId, existing !== null);
  const formError = useServerErrors(save.error, setError, RATING_FIELDS);
  const errors = formState.errors;
  const editable = !existing || new Date(existing.editable_until) > new Date();
  const submit = handleSubmit((v) => save.mutate({ ...v, comment: v.comment || null }));

  return (
    <section className="panel" aria-labelledby="rate-title">
      <h2 className="panel__title" id="rate-title">
        {t("rate.title")}
      </h2>
      <p className="muted">{t("rate.anonymous")}</p>
      {existing ? (
        <p className="muted">
          {editable ? t("rate.editableUntil", { date: fmt.dateTime(existing.editable_until) }) : t("rate.locked")}
        </p>
      ) : null}
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? save.error : undefined} />
        {RATING_CRITERIA.map((c) => (
          <Controller
            key={c}
            control={control}
            name={c}
            render={({ field }) => (
              <ScaleField
                legend={t(`rate.${c}`)}
                name={`rating-${c}`}
                value={field.value ?? null}
                onChange={field.onChange}
                low={t("rate.low")}
                high={t("rate.high")}
                error={errors[c]?.message}
              />
            )}
          />
        ))}
        <TextAreaField label={t("rate.comment")} hint={t("rate.commentHint")} maxLength={4000} {...register("comment")} error={errors.comment?.message} />
        {save.isSuccess ? (
          <p className="notice" role="status">
            {t("rate.saved")}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={!editable || save.isPending}>
          {existing ? t("rate.update") : t("rate.submit")}
        </button>
      </form>
    </section>
  );
}

const checkInSchema = z.object({
  phase: z.enum(["before", "after"]),
  confidence: z.number().int().min(1).max(5),
  anxiety: z.number().int().min(1).max(5),
});
type CheckInValues = z.infer<typeof checkInSchema>;
const CHECK_IN_FIELDS = ["phase", "confidence", "anxiety"] as const;

export function CheckInForm({ session, phase = "after" }: { session: { id: string | null; topic_id: number }; phase?: "before" | "after" }) {
  const { t } = useTranslation();
  const { control, handleSubmit, setError, formState } = useForm<CheckInValues>({
    resolver: zodResolver(checkInSchema),
    defaultValues: { phase },
  });
  const create = useCreateAssessment();
  const formError = useServerErrors(create.error, setError, CHECK_IN_FIELDS);
  const errors = formState.errors;
  const [when, confidence, anxiety] = useWatch({ control, name: ["phase", "confidence", "anxiety"] });
  // A "before" answered after the session is a retrospective (then-test) answer.
  const submit = handleSubmit((v) =>
    create.mutate({ ...v, topic_id: session.topic_id, session_id: session.id, retrospective: v.phase === "before" && session.id !== null }),
  );
  return (
    <section className="panel" aria-labelledby="checkin-title">
      <h2 className="panel__title" id="checkin-title">
        {t("checkin.title")}
      </h2>
      <p className="muted">{t("checkin.lead")}</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? create.error : undefined} />
        <Controller
          control={control}
          name="phase"
          render={({ field }) => (
            <div className="segmented" role="group" aria-label={t("checkin.when")}>
              {(["before", "after"] as const).map((p) => (
                <button key={p} type="button" className="segmented__option" aria-pressed={field.value === p} onClick={() => field.onChange(p)}>
                  {t(`checkin.${p}`)}
                </button>
              ))}
            </div>
          )}
        />
        {when === "before" && session.id !== null ? <p className="field__hint">{t("checkin.retrospectiveHint")}</p> : null}
        <Controller
          control={control}
          name="confidence"
          render={({ field }) => (
            <ScaleField
              legend={t("checkin.confidence")}
              name="confidence"
              value={field.value ?? null}
              onChange={field.onChange}
              low={t("checkin.confidenceLow")}
              high={t("checkin.confidenceHigh")}
              error={errors.confidence?.message}
            />
          )}
        />
        <Controller
          control={control}
          name="anxiety"
          render={({ field }) => (
            <ScaleField
              legend={t("checkin.anxiety")}
              name="anxiety"
              value={field.value ?? null}
              onChange={field.onChange}
              low={t("checkin.anxietyLow")}
              high={t("checkin.anxietyHigh")}
              error={errors.anxiety?.message}
            />
          )}
        />
        {create.isSuccess ? (
          <p className="notice" role="status">
            {t("checkin.saved")}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={create.isPending || confidence === undefined || anxiety === undefined}>
          {t("checkin.submit")}
        </button>
      </form>
    </section>
  );
}

function flagSchema(quoteRequired: string) {
  return z.object({
    quote: z.string().trim().min(1, quoteRequired).max(2000),
    source: z.string().trim().max(2000),
    comment: z.string().trim().max(4000),
  });
}
type FlagValues = z.infer<ReturnType<typeof flagSchema>>;
const FLAG_FIELDS = ["quote", "source", "comment"] as const;

function FlagForm({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const schema = useMemo(() => flagSchema(t("flag.quoteRequired")), [t]);
  const { register, handleSubmit, setError, formState } = useForm<FlagValues>({
    resolver: zodResolver(schema),
    defaultValues: { quote: "", source: "", comment: "" },
  });
  const create = useCreateFlag();
  const formError = useServerErrors(create.error, setError, FLAG_FIELDS);
  const errors = formState.errors;
  const submit = handleSubmit((v) => create.mutate({ session_id: sessionId, quote: v.quote, source: v.source || null, comment: v.comment || null }));
  return (
    <section className="panel" aria-labelledby="flag-title">
      <h2 className="panel__title" id="flag-title">
        {t("flag.title")}
      </h2>
      <p className="muted">{t("flag.lead")}</p>
      {create.isSuccess ? (
        <p className="notice" role="status">
          {t("flag.sent")}
        </p>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <ErrorAlert error={formError ? create.error : undefined} />
          <TextAreaField label={t("flag.quote")} hint={t("flag.quoteHint")} maxLength={2000} {...register("quote")} error={errors.quote?.message} />
          <TextField label={t("flag.source")} hint={t("flag.sourceHint")} maxLength={2000} {...register("source")} error={errors.source?.message} />
          <TextAreaField label={t("flag.comment")} maxLength={4000} {...register("comment")} error={errors.comment?.message} />
          <button type="submit" className="button button--secondary" disabled={create.isPending}>
            {t("flag.submit")}
          </button>
        </form>
      )}
    </section>
  );
}
