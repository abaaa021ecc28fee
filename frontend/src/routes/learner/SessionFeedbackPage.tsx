import { useState, type FormEvent } from "react";
import { useParams } from "react-router";
import { useTranslation } from "react-i18next";
import {
  RATING_CRITERIA,
  useFeedbackSession,
  useCreateAssessment,
  useCreateFlag,
  useMyRating,
  useSaveRating,
  type OwnRating,
  type RatingCriterion,
} from "../../api/feedback";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { ScaleField, TextAreaField, TextField, useFormErrors } from "../../components/forms";
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

function RatingFields({ sessionId, existing }: { sessionId: string; existing: OwnRating | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [values, setValues] = useState<Record<RatingCriterion, number | null>>({
    clarity: existing?.clarity ?? null,
    accuracy: existing?.accuracy ?? null,
    usefulness: existing?.usefulness ?? null,
    tutor_approach: existing?.tutor_approach ?? null,
  });
  const [comment, setComment] = useState(existing?.comment ?? "");
  const [missing, setMissing] = useState(false);
  const save = useSaveRating(sessionId, existing !== null);
  const errors = useFormErrors(save.error, [...RATING_CRITERIA, "comment"]);
  const editable = !existing || new Date(existing.editable_until) > new Date();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (RATING_CRITERIA.some((c) => values[c] === null)) {
      setMissing(true);
      return;
    }
    setMissing(false);
    save.mutate({ ...(values as Record<RatingCriterion, number>), comment: comment.trim() || null });
  };

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
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={errors.formError ? save.error : undefined} />
        {RATING_CRITERIA.map((c) => (
          <ScaleField
            key={c}
            legend={t(`rate.${c}`)}
            name={`rating-${c}`}
            value={values[c]}
            onChange={(v) => setValues((prev) => ({ ...prev, [c]: v }))}
            low={t("rate.low")}
            high={t("rate.high")}
            error={errors.field(c) ?? (missing && values[c] === null ? t("rate.required") : undefined)}
          />
        ))}
        <TextAreaField
          label={t("rate.comment")}
          hint={t("rate.commentHint")}
          name="comment"
          value={comment}
          maxLength={4000}
          onChange={(e) => setComment(e.target.value)}
          error={errors.field("comment")}
        />
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

export function CheckInForm({ session, phase = "after" }: { session: { id: string | null; topic_id: number }; phase?: "before" | "after" }) {
  const { t } = useTranslation();
  const [confidence, setConfidence] = useState<number | null>(null);
  const [anxiety, setAnxiety] = useState<number | null>(null);
  const [when, setWhen] = useState<"before" | "after">(phase);
  const create = useCreateAssessment();
  const errors = useFormErrors(create.error, ["confidence", "anxiety", "phase"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (confidence === null || anxiety === null) return;
    // A "before" answered after the session is a retrospective (then-test) answer.
    create.mutate({ phase: when, topic_id: session.topic_id, session_id: session.id, retrospective: when === "before" && session.id !== null, confidence, anxiety });
  };
  return (
    <section className="panel" aria-labelledby="checkin-title">
      <h2 className="panel__title" id="checkin-title">
        {t("checkin.title")}
      </h2>
      <p className="muted">{t("checkin.lead")}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={errors.formError ? create.error : undefined} />
        <div className="segmented" role="group" aria-label={t("checkin.when")}>
          {(["before", "after"] as const).map((p) => (
            <button key={p} type="button" className="segmented__option" aria-pressed={when === p} onClick={() => setWhen(p)}>
              {t(`checkin.${p}`)}
            </button>
          ))}
        </div>
        {when === "before" && session.id !== null ? <p className="field__hint">{t("checkin.retrospectiveHint")}</p> : null}
        <ScaleField
          legend={t("checkin.confidence")}
          name="confidence"
          value={confidence}
          onChange={setConfidence}
          low={t("checkin.confidenceLow")}
          high={t("checkin.confidenceHigh")}
          error={errors.field("confidence")}
        />
        <ScaleField
          legend={t("checkin.anxiety")}
          name="anxiety"
          value={anxiety}
          onChange={setAnxiety}
          low={t("checkin.anxietyLow")}
          high={t("checkin.anxietyHigh")}
          error={errors.field("anxiety")}
        />
        {create.isSuccess ? (
          <p className="notice" role="status">
            {t("checkin.saved")}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={create.isPending || confidence === null || anxiety === null}>
          {t("checkin.submit")}
        </button>
      </form>
    </section>
  );
}

function FlagForm({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const [quote, setQuote] = useState("");
  const [source, setSource] = useState("");
  const [comment, setComment] = useState("");
  const [missing, setMissing] = useState(false);
  const create = useCreateFlag();
  const errors = useFormErrors(create.error, ["quote", "source", "comment"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!quote.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    create.mutate({ session_id: sessionId, quote: quote.trim(), source: source.trim() || null, comment: comment.trim() || null });
  };
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
        <form className="form" onSubmit={submit} noValidate>
          <ErrorAlert error={errors.formError ? create.error : undefined} />
          <TextAreaField
            label={t("flag.quote")}
            hint={t("flag.quoteHint")}
            name="quote"
            value={quote}
            maxLength={2000}
            onChange={(e) => setQuote(e.target.value)}
            error={errors.field("quote") ?? (missing ? t("flag.quoteRequired") : undefined)}
          />
          <TextField
            label={t("flag.source")}
            hint={t("flag.sourceHint")}
            name="source"
            value={source}
            maxLength={2000}
            onChange={(e) => setSource(e.target.value)}
            error={errors.field("source")}
          />
          <TextAreaField label={t("flag.comment")} name="comment" value={comment} maxLength={4000} onChange={(e) => setComment(e.target.value)} error={errors.field("comment")} />
          <button type="submit" className="button button--secondary" disabled={create.isPending}>
            {t("flag.submit")}
          </button>
        </form>
      )}
    </section>
  );
}
