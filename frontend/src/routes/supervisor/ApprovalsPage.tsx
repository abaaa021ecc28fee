import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useApproval, useApprovals, useCreateApproval, useTopicNames, useTopics, useTransitionApproval, useTutors, type Approval, type ApprovalStatus } from "../../api/matching";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { SelectField, TextAreaField, TextField, useFormErrors } from "../../components/forms";
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

function NewApproval() {
  const { t } = useTranslation();
  const topics = useTopics();
  const create = useCreateApproval();
  const tutors = useTutors();
  const [v, setV] = useState({ tutor_id: "", topic_id: "", evidence: "", link: "", expires_at: "" });
  const errors = useFormErrors(create.error, ["tutor_id", "topic_id", "evidence", "link", "expires_at"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      tutor_id: v.tutor_id.trim(),
      topic_id: Number(v.topic_id),
      evidence: v.evidence.trim(),
      link: v.link.trim() || null,
      expires_at: v.expires_at ? new Date(v.expires_at).toISOString() : null,
    });
  };
  return (
    <details className="panel">
      <summary className="panel__title">{t("approvals.new")}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={errors.formError ? create.error : undefined} />
        {create.isSuccess ? <p className="notice" role="status">{t("approvals.created")}</p> : null}
        <SelectField label={t("approvals.tutor")} name="tutor_id" value={v.tutor_id} onChange={(e) => setV({ ...v, tutor_id: e.target.value })} error={errors.field("tutor_id")}>
          <option value="">—</option>
          {(tutors.data ?? []).map((tu) => (
            <option key={tu.user_id} value={tu.user_id}>
              {tu.display_name} ({t("find.stage", { stage: tu.stage })})
            </option>
          ))}
        </SelectField>
        <SelectField label={t("teach.topic")} name="topic_id" value={v.topic_id} onChange={(e) => setV({ ...v, topic_id: e.target.value })} error={errors.field("topic_id")}>
          <option value="">{t("find.chooseTopic")}</option>
          {(topics.data ?? []).map((tp) => (
            <option key={tp.id} value={tp.id}>
              {tp.path || tp.name}
            </option>
          ))}
        </SelectField>
        <TextAreaField label={t("approvals.evidence")} name="evidence" value={v.evidence} onChange={(e) => setV({ ...v, evidence: e.target.value })} error={errors.field("evidence")} />
        <TextField label={t("approvals.link")} type="url" name="link" value={v.link} onChange={(e) => setV({ ...v, link: e.target.value })} error={errors.field("link")} />
        <TextField label={t("approvals.expires")} type="date" name="expires_at" value={v.expires_at} onChange={(e) => setV({ ...v, expires_at: e.target.value })} error={errors.field("expires_at")} />
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
  const [reason, setReason] = useState("");
  const errors = useFormErrors(transition.error, ["reason", "status"]);
  const act = (status: ApprovalStatus) => transition.mutate({ id: a.id, status, reason: reason.trim() });
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
              <ErrorAlert error={errors.formError ? transition.error : undefined} />
              <TextAreaField label={t("approvals.reason")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errors.field("reason")} />
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
