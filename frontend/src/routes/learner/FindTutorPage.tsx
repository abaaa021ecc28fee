import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import {
  useCreateRequest,
  useRequestAction,
  useRequests,
  useSuggestions,
  useTopicNames,
  useTopics,
  type MatchRequest,
  type Suggestion,
} from "../../api/matching";
import { isApiError } from "../../api/errors";
import { Page } from "../../components/Page";
import { ScoreBars } from "../../components/ScoreBars";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { TextAreaField, useServerErrors } from "../../components/forms";
import { TopicSelect } from "../../components/TopicSelect";
import { Spinner } from "../../components/Loader";
import { PersonName } from "../../components/PersonName";
import { useFormat } from "../../lib/useFormat";

export default function FindTutorPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const topics = useTopics();
  const topicId = params.get("topic") ? Number(params.get("topic")) : null;
  const suggestions = useSuggestions(topicId);

  return (
    <Page title={t("find.title")} subtitle={t("find.lead")}>
      <div className="stack">
        <TopicSelect
          label={t("find.topic")}
          name="topic"
          value={topicId ?? ""}
          onChange={(e) => setParams(e.target.value ? { topic: e.target.value } : {}, { replace: true })}
        />
        {topics.error ? <ErrorAlert error={topics.error} /> : null}

        {topicId !== null ? (
          <section aria-labelledby="suggestions-title" aria-busy={suggestions.isFetching}>
            <h2 className="section-title" id="suggestions-title">
              {t("find.suggestions")}
            </h2>
            {suggestions.error && isApiError(suggestions.error) && suggestions.error.status === 404 ? (
              <p className="notice">
                {t("find.needProfile")} <Link to="/learner/profile">{t("find.completeProfile")}</Link>
              </p>
            ) : (
              <QueryView query={suggestions}>
                {(list) => (
                  <>
                    {list.missing_reasons.length > 0 ? (
                      <p className="notice" role="status">
                        {t("find.partial", {
                          criteria: list.missing_reasons.map((m) => t(`criteria.${m.criterion}`, { defaultValue: m.criterion })).join(", "),
                        })}
                      </p>
                    ) : null}
                    {list.suggestions.length === 0 ? (
                      <p className="muted">{t("find.none")}</p>
                    ) : (
                      <ol className="list">
                        {list.suggestions.map((s) => (
                          <SuggestionCard key={s.tutor_id} s={s} topicId={topicId} missing={list.missing_reasons} />
                        ))}
                      </ol>
                    )}
                  </>
                )}
              </QueryView>
            )}
          </section>
        ) : null}

        <MyRequests />
      </div>
    </Page>
  );
}

const requestSchema = z.object({ message: z.string().trim().max(2000) });
type RequestValues = z.infer<typeof requestSchema>;
const REQUEST_FIELDS = ["message"] as const;

function SuggestionCard({ s, topicId, missing }: { s: Suggestion; topicId: number; missing: { criterion: string; reason: string }[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const create = useCreateRequest();
  const { register, handleSubmit, setError, formState } = useForm<RequestValues>({
    resolver: zodResolver(requestSchema),
    defaultValues: { message: "" },
  });
  const formError = useServerErrors(create.error, setError, REQUEST_FIELDS);
  const headingId = `tutor-${s.tutor_id}`;
  const submit = handleSubmit((v) => create.mutate({ tutor_id: s.tutor_id, topic_id: topicId, message: v.message || null }));

  return (
    <li className="card" aria-labelledby={headingId}>
      <div className="card__head">
        <h3 className="card__title" id={headingId}>
          {s.display_name}
        </h3>
        <span className="score" aria-label={t("find.scoreLabel", { score: Math.round(s.score * 100) })}>
          {Math.round(s.score * 100)}
        </span>
      </div>
      <p className="muted">{t("find.stage", { stage: s.stage })}</p>
      <details className="why">
        <summary>{t("find.why")}</summary>
        <ScoreBars breakdown={s.breakdown} missing={missing} />
      </details>
      {create.isSuccess ? (
        <p className="notice" role="status">
          {t("find.requested")}
        </p>
      ) : open ? (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <ErrorAlert error={formError ? create.error : undefined} />
          <TextAreaField label={t("find.message")} hint={t("find.messageHint")} maxLength={2000} {...register("message")} error={formState.errors.message?.message} />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={create.isPending}>
              {t("find.send")}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
              {t("actions.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button button--primary" onClick={() => setOpen(true)}>
          {t("find.request", { name: s.display_name })}
        </button>
      )}
    </li>
  );
}

const REQUEST_TONE: Record<string, string> = {
  pending: "info",
  accepted: "ok",
  declined: "bad",
  expired: "warn",
  cancelled: "warn",
};

function MyRequests() {
  const { t } = useTranslation();
  const requests = useRequests("learner");
  const topicName = useTopicNames();
  const action = useRequestAction();
  const fmt = useFormat();
  return (
    <section aria-labelledby="my-requests">
      <h2 className="section-title" id="my-requests">
        {t("find.myRequests")}
      </h2>
      {requests.isLoading ? <Spinner /> : null}
      {requests.error ? <ErrorAlert error={requests.error} /> : null}
      <ErrorAlert error={action.error ?? undefined} />
      {requests.data && requests.data.length === 0 ? <p className="muted">{t("find.noRequests")}</p> : null}
      <ul className="list">
        {(requests.data ?? []).map((r: MatchRequest) => (
          <li key={r.id} className="card card--row">
            <div>
              <p className="card__title">{topicName(r.topic_id)}</p>
              <p className="muted">
                {r.tutor_name ?? <PersonName kind="tutor" id={r.tutor_id} fallback={t("find.aTutor")} />}
                {" · "}
                {r.status === "pending"
                  ? t("find.expires", { date: fmt.dateTime(r.expires_at) })
                  : t("find.sent", { date: fmt.dateTime(r.created_at) })}
              </p>
            </div>
            <div className="row">
              <span className={`status status--${REQUEST_TONE[r.status] ?? "info"}`}>{t(`requestStatus.${r.status}`)}</span>
              {r.status === "pending" ? (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  disabled={action.isPending}
                  onClick={() => action.mutate({ id: r.id, action: "cancel" })}
                >
                  {t("find.withdraw")}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
