import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useConfirmFlag, useDismissFlag, useErratum, useFlags, type Flag, type FlagStatus } from "../../api/feedback";
import { useTopicNames } from "../../api/matching";
import { Page } from "../../components/Page";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { TextAreaField, useServerErrors } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

/** Overdue first, then oldest first. */
export function sortFlags(flags: Flag[]): Flag[] {
  return [...flags].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.created_at.localeCompare(b.created_at));
}

export default function FlagQueuePage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<FlagStatus>("open");
  const flags = useFlags(status);
  // A reviewed flag leaves the open queue: keep what was just sent in view.
  const [sent, setSent] = useState<number[]>([]);
  return (
    <Page title={t("flags.title")} subtitle={t("flags.lead")}>
      {sent.length ? (
        <section aria-labelledby="just-sent" className="stack">
          <h2 className="section-title" id="just-sent">
            {t("flags.justSent")}
          </h2>
          {sent.map((id) => (
            <ErratumStatus key={id} id={id} />
          ))}
        </section>
      ) : null}
      <div className="segmented" role="group" aria-label={t("flags.filter")}>
        {(["open", "confirmed", "dismissed"] as const).map((s) => (
          <button key={s} type="button" className="segmented__option" aria-pressed={status === s} onClick={() => setStatus(s)}>
            {t(`flagStatus.${s}`)}
          </button>
        ))}
      </div>
      <QueryView query={flags}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t("flags.none")}</p>
          ) : (
            <ul className="list">
              {sortFlags(list).map((f) => (
                <FlagCard key={f.id} f={f} onErratum={(id) => setSent((list) => [id, ...list])} />
              ))}
            </ul>
          )
        }
      </QueryView>
    </Page>
  );
}

function FlagCard({ f, onErratum }: { f: Flag; onErratum: (erratumId: number) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const topicName = useTopicNames();
  const [mode, setMode] = useState<"idle" | "dismiss" | "confirm">("idle");
  const id = `flag-${f.id}`;
  return (
    <li className={`card${f.overdue ? " card--overdue" : ""}`} aria-labelledby={id}>
      <div className="card__head">
        <h2 className="card__title" id={id}>
          {t("flags.cardTitle", { topic: topicName(f.topic_id), id: f.id })}
        </h2>
        {f.overdue ? <span className="status status--bad">{t("flags.overdue")}</span> : <span className="status status--info">{t(`flagStatus.${f.status}`)}</span>}
      </div>
      <blockquote className="quote">{f.quote}</blockquote>
      <dl className="details">
        {f.source ? (
          <div>
            <dt>{t("flag.source")}</dt>
            <dd>{f.source}</dd>
          </div>
        ) : null}
        {f.comment ? (
          <div>
            <dt>{t("flag.comment")}</dt>
            <dd>{f.comment}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("flags.raised")}</dt>
          <dd>
            {f.flagger_name ?? f.flagger_id} · {fmt.dateTime(f.created_at)} · {t("flags.due", { date: fmt.dateTime(f.due_at) })}
          </dd>
        </div>
        {f.review_note ? (
          <div>
            <dt>{t("flags.note")}</dt>
            <dd>{f.review_note}</dd>
          </div>
        ) : null}
      </dl>
      {f.status === "open" ? (
        mode === "dismiss" ? (
          <DismissForm f={f} onCancel={() => setMode("idle")} />
        ) : mode === "confirm" ? (
          <ConfirmForm f={f} onCancel={() => setMode("idle")} onErratum={onErratum} />
        ) : (
          <div className="row">
            <button type="button" className="button button--primary" onClick={() => setMode("confirm")}>
              {t("flags.confirm")}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setMode("dismiss")}>
              {t("flags.dismiss")}
            </button>
          </div>
        )
      ) : null}
      {f.erratum_id ? <ErratumStatus id={f.erratum_id} /> : null}
    </li>
  );
}

const dismissSchema = z.object({ note: z.string().trim() });
type DismissValues = z.infer<typeof dismissSchema>;

const confirmSchema = z.object({ correction: z.string().trim(), suspend_tutor: z.boolean(), reason: z.string().trim() });
type ConfirmValues = z.infer<typeof confirmSchema>;
const CONFIRM_FIELDS = ["correction", "suspend_tutor", "reason"] as const;

function DismissForm({ f, onCancel }: { f: Flag; onCancel: () => void }) {
  const { t } = useTranslation();
  const dismiss = useDismissFlag();
  const { register, handleSubmit, setError, formState } = useForm<DismissValues>({
    resolver: zodResolver(dismissSchema),
    defaultValues: { note: "" },
  });
  const formError = useServerErrors(dismiss.error, setError, ["note"]);
  const submit = handleSubmit((v) => dismiss.mutate({ id: f.id, note: v.note }));
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorAlert error={formError ? dismiss.error : undefined} />
      <TextAreaField label={t("flags.dismissNote")} hint={t("flags.dismissHint")} {...register("note")} error={formState.errors.note?.message} />
      <div className="row">
        <button type="submit" className="button button--primary" disabled={dismiss.isPending}>
          {t("flags.dismiss")}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t("actions.cancel")}
        </button>
      </div>
    </form>
  );
}

function ConfirmForm({ f, onCancel, onErratum }: { f: Flag; onCancel: () => void; onErratum: (erratumId: number) => void }) {
  const { t } = useTranslation();
  const confirm = useConfirmFlag();
  const { register, control, handleSubmit, setError, formState } = useForm<ConfirmValues>({
    resolver: zodResolver(confirmSchema),
    defaultValues: { correction: "", suspend_tutor: false, reason: "" },
  });
  const formError = useServerErrors(confirm.error, setError, CONFIRM_FIELDS);
  const errors = formState.errors;
  const suspend = useWatch({ control, name: "suspend_tutor" });
  const submit = handleSubmit((v) =>
    confirm.mutate(
      { id: f.id, correction: v.correction, suspend_tutor: v.suspend_tutor, reason: v.reason || null, session_ids: [f.session_id] },
      { onSuccess: (erratum) => onErratum(erratum.id) },
    ),
  );
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorAlert error={formError ? confirm.error : undefined} />
      <TextAreaField label={t("flags.correction")} hint={t("flags.correctionHint")} {...register("correction")} error={errors.correction?.message} />
      <label className="check">
        <input type="checkbox" {...register("suspend_tutor")} />
        <span>{t("flags.suspend")}</span>
      </label>
      {suspend ? <TextAreaField label={t("flags.suspendReason")} {...register("reason")} error={errors.reason?.message} /> : null}
      <div className="row">
        <button type="submit" className="button button--primary" disabled={confirm.isPending}>
          {t("flags.sendErratum")}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t("actions.cancel")}
        </button>
      </div>
    </form>
  );
}

/** Who the erratum went to and who has not acknowledged it yet. */
function ErratumStatus({ id }: { id: number }) {
  const { t } = useTranslation();
  const erratum = useErratum(id);
  return (
    <QueryView query={erratum}>
      {(e) => (
        <div className="notice" role="status">
          <p>
            <strong>{t("erratum.sent", { id: e.id })}</strong> {e.correction}
          </p>
          <p>{t("erratum.acks", { done: e.recipients.length - e.pending.length, total: e.recipients.length })}</p>
          {e.pending.length ? (
            <details>
              <summary>{t("erratum.pending", { count: e.pending.length })}</summary>
              <ul className="plain">
                {e.recipients
                  .filter((r) => r.acknowledged_at === null)
                  .map((r) => (
                    <li key={r.user_id}>
                      {r.display_name ?? r.user_id} ({t(`erratum.role.${r.role}`, { defaultValue: r.role })})
                    </li>
                  ))}
              </ul>
            </details>
          ) : null}
        </div>
      )}
    </QueryView>
  );
}
