import { useEffect, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useUserNames } from "../../api/admin";
import { matchingKeys, useRun, useRunAction, useRuns, useStartRun, useTopicNames, useTopics, type Run } from "../../api/matching";
import { Page } from "../../components/Page";
import { ScoreBars } from "../../components/ScoreBars";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { ProgressBar } from "../../components/ProgressBar";
import { FieldFrame, SelectField, TextField, useServerErrors } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

export default function RunsPage() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState<number | null>(null);
  const runs = useRuns();
  return (
    <Page title={t("runs.title")} subtitle={t("runs.lead")}>
      <div className="stack">
        <StartRun onStarted={setCurrent} />
        {current !== null ? <RunView id={current} /> : null}
        <section aria-labelledby="runs-history">
          <h2 className="section-title" id="runs-history">
            {t("runs.history")}
          </h2>
          <QueryView query={runs}>
            {(list) =>
              list.length === 0 ? (
                <p className="muted">{t("runs.none")}</p>
              ) : (
                <ul className="list">
                  {list.map((r) => (
                    <li key={r.id} className="card card--row">
                      <span>
                        <strong>#{r.id}</strong> · {r.cohort} · {t(`runMode.${r.mode}`)}
                      </span>
                      <span className="row">
                        <span className="status status--info">{t(`runStatus.${r.status}`)}</span>
                        <button type="button" className="button button--secondary button--small" onClick={() => setCurrent(r.id)}>
                          {t("runs.open")}
                          <span className="visually-hidden"> #{r.id}</span>
                        </button>
                      </span>
                    </li>
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

const runSchema = z.object({ cohort: z.string().trim(), topic_ids: z.array(z.number()), mode: z.enum(["optimal", "stable"]) });
type RunValues = z.infer<typeof runSchema>;
const RUN_FIELDS = ["cohort", "topic_ids", "mode"] as const;

function StartRun({ onStarted }: { onStarted: (id: number) => void }) {
  const { t } = useTranslation();
  const topics = useTopics();
  const start = useStartRun();
  const { register, control, handleSubmit, setError, formState } = useForm<RunValues>({
    resolver: zodResolver(runSchema),
    defaultValues: { cohort: "", topic_ids: [], mode: "optimal" },
  });
  const formError = useServerErrors(start.error, setError, RUN_FIELDS);
  const errors = formState.errors;
  const submit = handleSubmit((v) =>
    start.mutate({ ...v, proposing: v.mode === "stable" ? "learners" : null }, { onSuccess: (run) => onStarted(run.id) }),
  );
  return (
    <section className="panel" aria-labelledby="start-run">
      <h2 className="panel__title" id="start-run">
        {t("runs.start")}
      </h2>
      <p className="muted">{t("runs.dryRunNote")}</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? start.error : undefined} />
        <TextField label={t("runs.cohort")} hint={t("runs.cohortHint")} {...register("cohort")} error={errors.cohort?.message} />
        <Controller
          control={control}
          name="topic_ids"
          render={({ field: { value: topicIds, onChange } }) => (
            <FieldFrame label={t("runs.topics")} error={errors.topic_ids?.message} group="checks">
              {() => (
                <div className="checks__row checks__row--scroll">
                  {(topics.data ?? []).filter((tp) => !tp.retired_at).map((tp) => (
                    <label key={tp.id} className="check">
                      <input type="checkbox" checked={topicIds.includes(tp.id)} onChange={(e) => onChange(e.target.checked ? [...topicIds, tp.id] : topicIds.filter((x) => x !== tp.id))} />
                      <span>{tp.path || tp.name}</span>
                    </label>
                  ))}
                </div>
              )}
            </FieldFrame>
          )}
        />
        <SelectField label={t("runs.mode")} {...register("mode")} error={errors.mode?.message}>
          <option value="optimal">{t("runMode.optimal")}</option>
          <option value="stable">{t("runMode.stable")}</option>
        </SelectField>
        <button type="submit" className="button button--primary" disabled={start.isPending}>
          {t("runs.startDry")}
        </button>
      </form>
    </section>
  );
}

function RunView({ id }: { id: number }) {
  const run = useRun(id);
  return <QueryView query={run}>{(r) => <RunDetail r={r} />}</QueryView>;
}

function RunDetail({ r }: { r: Run }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  // Keep the history list in step with the run being watched.
  useEffect(() => {
    void qc.invalidateQueries({ queryKey: matchingKeys.runs });
  }, [r.status, qc]);
  const fmt = useFormat();
  const topicName = useTopicNames();
  const action = useRunAction();
  const running = r.status === "queued" || r.status === "running";
  const totals = r.result?.totals ?? r.totals;
  const ids = r.result ? [...r.result.pairs.slice(0, 50).flatMap((p) => [p.learner_id, p.tutor_id]), ...r.result.unmatched.map((u) => u.learner_id)] : [];
  const names = useUserNames(ids);
  const name = (id: string) => names.data?.get(id) ?? id;
  return (
    <section className="panel" aria-labelledby={`run-${r.id}`} aria-busy={running}>
      <h2 className="panel__title" id={`run-${r.id}`}>
        {t("runs.runTitle", { id: r.id, cohort: r.cohort })} · <span className="status status--info">{t(`runStatus.${r.status}`)}</span>
      </h2>
      {running ? <ProgressBar value={r.progress} label={t("runs.progress")} /> : null}
      {r.status === "failed" ? <ErrorAlert>{r.error ?? t("errors.unexpected")}</ErrorAlert> : null}
      {totals ? (
        <dl className="stats">
          <div>
            <dt>{t("runs.pairs")}</dt>
            <dd>{totals.pairs}</dd>
          </div>
          <div>
            <dt>{t("runs.unmatched")}</dt>
            <dd>{totals.unmatched}</dd>
          </div>
          <div>
            <dt>{t("runs.totalScore")}</dt>
            <dd>{totals.total_score.toFixed(2)}</dd>
          </div>
          {totals.gap_pct != null ? (
            <div>
              <dt>{t("runs.gap")}</dt>
              <dd>{totals.gap_pct.toFixed(1)}%</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      <ErrorAlert error={action.error ?? undefined} />
      <div className="row">
        {r.status === "done" ? (
          <button type="button" className="button button--primary" disabled={action.isPending} onClick={() => action.mutate({ id: r.id, action: "publish" })}>
            {t("runs.publish")}
          </button>
        ) : null}
        {r.status === "published" ? (
          <>
            <span className="status status--ok" role="status">
              {t("runs.publishedAt", { date: fmt.dateTime(r.published_at ?? r.finished_at ?? r.created_at) })}
            </span>
            <button type="button" className="button button--secondary" disabled={action.isPending} onClick={() => action.mutate({ id: r.id, action: "rollback" })}>
              {t("runs.rollback")}
            </button>
          </>
        ) : null}
        {r.status === "rolled_back" ? <span className="status status--warn">{t("runStatus.rolled_back")}</span> : null}
      </div>
      {r.result ? (
        <>
          <h3 className="section-title">{t("runs.proposed", { count: r.result.pairs.length })}</h3>
          <ul className="list">
            {r.result.pairs.slice(0, 50).map((p) => (
              <li key={`${p.learner_id}-${p.topic_id}`} className="card">
                <p>
                  <strong>{name(p.learner_id)}</strong> ← {name(p.tutor_id)} · {topicName(p.topic_id)} · {Math.round(p.score * 100)}
                </p>
                <details className="why">
                  <summary>{t("find.why")}</summary>
                  <ScoreBars breakdown={p.breakdown} />
                </details>
              </li>
            ))}
          </ul>
          {r.result.pairs.length > 50 ? <p className="muted">{t("runs.more", { count: r.result.pairs.length - 50 })}</p> : null}
          {r.result.unmatched.length ? (
            <>
              <h3 className="section-title">{t("runs.unmatchedTitle", { count: r.result.unmatched.length })}</h3>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("runs.learner")}</th>
                    <th scope="col">{t("teach.topic")}</th>
                    <th scope="col">{t("runs.reason")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.result.unmatched.map((u) => (
                    <tr key={`${u.learner_id}-${u.topic_id}`}>
                      <td>{name(u.learner_id)}</td>
                      <td>{topicName(u.topic_id)}</td>
                      <td>{t(`unmatchedReason.${u.reason}`, { defaultValue: u.reason })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
