import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import { useApproval, useApprovals, useCreateApproval, useTopicNames, useTransitionApproval, useTutors, type Approval, type ApprovalStatus } from "../../api/matching";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { SelectField, TextAreaField, TextField, useServerErrors } from "../../components/forms";
import { TopicSelect } from "../../components/TopicSelect";
import { useFormat } from "../../lib/useFormat";

export default function ApprovalsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ApprovalStatus | "all">("approved");
  const approvals = useApprovals(status);
  return (
    <Page title={t("approvals.title")} subtitle={t("approvals.lead")}>
      <div className="stack">
        <NewApproval />
        <div className="segmented" role="group" aria-label={t("approvals.filter")}>
          {(["approved", "suspended", "revoked", "expired", "all"] as const).map((s) => (
            <button key={s} type="button" className="segmented__option" aria-pressed={status === s} onClick={() => setStatus(s)}>
              {s === "all" ? t("approvals.all") : t(`approvalStatus.${s}`)}
            </button>
          ))}
        </div>
        <QueryView query={approvals}>
          {(list) => (list.length === 0 ? <p className="muted">{t("approvals.none")}</p> : <ul className="list">{list.map((a) => <ApprovalCard key={a.id} a={a} />)}</ul>)}
        </QueryView>
      </div>
    </Page>
  );
}

const approvalSchema = z.object({
  tutor_id: z.string().trim(),
  topic_id: z.string(),
  evidence: z.string().trim(),
  link: z.string().trim(),
  expires_at: z.string(),
});
type ApprovalValues = z.infer<typeof approvalSchema>;
const APPROVAL_FIELDS = ["tutor_id", "topic_id", "evidence", "link", "expires_at"] as const;

function NewApproval() {
  const { t } = useTranslation();
  const create = useCreateApproval();
  const tutors = useTutors();
  const { register, handleSubmit, setError, formState } = useForm<ApprovalValues>({
    resolver: zodResolver(approvalSchema),
    defaultValues: { tutor_id: "", topic_id: "", evidence: "", link: "", expires_at: "" },
  });
  const formError = useServerErrors(create.error, setError, APPROVAL_FIELDS);
  const errors = formState.errors;
  const submit = handleSubmit((v) =>
    create.mutate({
      tutor_id: v.tutor_id,
      topic_id: Number(v.topic_id),
      evidence: v.evidence,
      link: v.link || null,
      expires_at: v.expires_at ? new Date(v.expires_at).toISOString() : null,
    }),
  );
  return (
    <details className="panel">
      <summary className="panel__title">{t("approvals.new")}</summary>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? create.error : undefined} />
        {create.isSuccess ? <p className="notice" role="status">{t("approvals.created")}</p> : null}
        <SelectField label={t("approvals.tutor")} {...register("tutor_id")} error={errors.tutor_id?.message}>
          <option value="">—</option>
          {(tutors.data ?? []).map((tu) => (
            <option key={tu.user_id} value={tu.user_id}>
              {tu.display_name} ({t("find.stage", { stage: tu.stage })})
            </option>
          ))}
        </SelectField>
        <TopicSelect includeRetired label={t("teach.topic")} {...register("topic_id")} error={errors.topic_id?.message} />
        <TextAreaField label={t("approvals.evidence")} {...register("evidence")} error={errors.evidence?.message} />
        <TextField label={t("approvals.link")} type="url" {...register("link")} error={errors.link?.message} />
        <TextField label={t("approvals.expires")} type="date" {...register("expires_at")} error={errors.expires_at?.message} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("approvals.approve")}
        </button>
      </form>
    </details>
  );
}

function ApprovalCard({ a }: { a: Approval }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const topicName = useTopicNames();
  const [open, setOpen] = useState(false);
  const detail = useApproval(open ? a.id : null);
  const transition = useTransitionApproval();
  const { register, getValues, setError, formState } = useForm<{ reason: string }>({ defaultValues: { reason: "" } });
  const formError = useServerErrors(transition.error, setError, ["reason"]);
  const act = (status: ApprovalStatus) => transition.mutate({ id: a.id, status, reason: getValues("reason").trim() });
  return (
    <li className="card">
      <div className="card__head">
        <h2 className="card__title">
          <TutorName id={a.tutor_id} /> · {topicName(a.topic_id)}
        </h2>
        <span className={`status status--${a.status === "approved" ? "ok" : "bad"}`}>{t(`approvalStatus.${a.status}`)}</span>
      </div>
      <p>{a.evidence}</p>
      <p className="muted">
        {fmt.date(a.approved_at)}
        {a.expires_at ? ` → ${fmt.date(a.expires_at)}` : ""}
      </p>
      <button type="button" className="button button--secondary button--small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t("approvals.history")}
      </button>
      {open ? (
        <QueryView query={detail}>
          {(d) => (
            <div className="stack">
              <ol className="plain">
                {d.events.map((ev, i) => (
                  <li key={i}>
                    {fmt.dateTime(ev.at)} · {ev.from_status ?? "—"} → {ev.to_status} {ev.reason ? `· ${ev.reason}` : ""}
                  </li>
                ))}
              </ol>
              {d.running_pairings.length ? <p className="muted">{t("approvals.running", { count: d.running_pairings.length })}</p> : null}
              <ErrorAlert error={formError ? transition.error : undefined} />
              <TextAreaField label={t("approvals.reason")} {...register("reason")} error={formState.errors.reason?.message} />
              <div className="row">
                {a.status !== "approved" ? (
                  <button type="button" className="button button--primary" disabled={transition.isPending} onClick={() => act("approved")}>
                    {t("approvals.reinstate")}
                  </button>
                ) : (
                  <button type="button" className="button button--secondary" disabled={transition.isPending} onClick={() => act("suspended")}>
                    {t("approvals.suspend")}
                  </button>
                )}
                {a.status !== "revoked" ? (
                  <button type="button" className="button button--secondary" disabled={transition.isPending} onClick={() => act("revoked")}>
                    {t("approvals.revoke")}
                  </button>
                ) : null}
              </div>
            </div>
          )}
        </QueryView>
      ) : null}
    </li>
  );
}

function TutorName({ id }: { id: string }) {
  const tutors = useTutors();
  return <>{tutors.data?.find((tu) => tu.user_id === id)?.display_name ?? id}</>;
}
