import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useRequestAction, useRequests, useTopicNames, type MatchRequest } from "../../api/matching";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { TextAreaField } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";
import { PersonName } from "../../components/PersonName";

export default function RequestsPage() {
  const { t } = useTranslation();
  const requests = useRequests("tutor");
  return (
    <Page title={t("incoming.title")} subtitle={t("incoming.lead")}>
      <QueryView query={requests}>
        {(list) => {
          const pending = list.filter((r) => r.status === "pending");
          const past = list.filter((r) => r.status !== "pending");
          return (
            <>
              {pending.length === 0 ? <p className="muted">{t("incoming.none")}</p> : null}
              <ul className="list">
                {pending.map((r) => (
                  <IncomingCard key={r.id} r={r} />
                ))}
              </ul>
              {past.length ? (
                <>
                  <h2 className="section-title">{t("incoming.history")}</h2>
                  <ul className="list">
                    {past.map((r) => (
                      <IncomingCard key={r.id} r={r} />
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          );
        }}
      </QueryView>
    </Page>
  );
}

function IncomingCard({ r }: { r: MatchRequest }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const topicName = useTopicNames();
  const action = useRequestAction();
  const [declining, setDeclining] = useState(false);
  const id = `req-${r.id}`;
  return (
    <li className="card" aria-labelledby={id}>
      <div className="card__head">
        <h2 className="card__title" id={id}>
          {r.learner_name ?? <PersonName kind="learner" id={r.learner_id} fallback={t("incoming.aLearner")} />} · {topicName(r.topic_id)}
        </h2>
        <span className="status status--info">{t(`requestStatus.${r.status}`)}</span>
      </div>
      {r.message ? <blockquote className="quote">{r.message}</blockquote> : null}
      <p className="muted">
        {r.status === "pending" ? t("find.expires", { date: fmt.dateTime(r.expires_at) }) : t("find.sent", { date: fmt.dateTime(r.created_at) })}
      </p>
      <ErrorAlert error={action.error ?? undefined} />
      {r.status === "pending" ? (
        declining ? (
          <DeclineForm onDecline={(reason) => action.mutate({ id: r.id, action: "decline", reason })} pending={action.isPending} onCancel={() => setDeclining(false)} />
        ) : (
          <div className="row">
            <button type="button" className="button button--primary" disabled={action.isPending} onClick={() => action.mutate({ id: r.id, action: "accept" })}>
              {t("incoming.accept")}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setDeclining(true)}>
              {t("incoming.decline")}
            </button>
          </div>
        )
      ) : null}
    </li>
  );
}

const declineSchema = z.object({ reason: z.string().trim() });

function DeclineForm({ onDecline, onCancel, pending }: { onDecline: (reason: string | null) => void; onCancel: () => void; pending: boolean }) {
  const { t } = useTranslation();
  const { register, handleSubmit } = useForm<z.infer<typeof declineSchema>>({
    resolver: zodResolver(declineSchema),
    defaultValues: { reason: "" },
  });
  const submit = handleSubmit((v) => onDecline(v.reason || null));
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <TextAreaField label={t("incoming.reason")} hint={t("incoming.reasonHint")} {...register("reason")} />
      <div className="row">
        <button type="submit" className="button button--primary" disabled={pending}>
          {t("incoming.confirmDecline")}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t("actions.cancel")}
        </button>
      </div>
    </form>
  );
}
