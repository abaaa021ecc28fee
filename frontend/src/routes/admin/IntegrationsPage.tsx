import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import { useClients, useCreateClient, useRevokeClient, useRotateSecret, useScopes, useUserNames } from "../../api/admin";
import { useCreateExclusion, useDeleteExclusion, useExclusions } from "../../api/matching";
import { useCreateWebhook, useReplayDelivery, useToggleWebhook, useWebhookDeliveries, useWebhooks, type WebhookEndpoint } from "../../api/sessions";
import { Page } from "../../components/Page";
import { CheckboxGroup, TextAreaField, TextField, useFormErrors, useServerErrors } from "../../components/forms";
import { CopyButton } from "../../components/CopyButton";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { useFormat } from "../../lib/useFormat";
import { FeedsPanel } from "./FeedsPanel";
import { OutboxPanel } from "./OutboxPanel";

/** Machine clients, timetable feeds, webhooks, exclusions: the plumbing an admin looks after. */
const clientSchema = z.object({ name: z.string().trim(), scopes: z.array(z.string()) });
type ClientValues = z.infer<typeof clientSchema>;
const webhookSchema = z.object({ url: z.string().trim() });
type WebhookValues = z.infer<typeof webhookSchema>;
const exclusionSchema = z.object({ learner_id: z.string().trim(), tutor_id: z.string().trim(), reason: z.string().trim() });
type ExclusionValues = z.infer<typeof exclusionSchema>;

export default function IntegrationsPage() {
  const { t } = useTranslation();
  return (
    <Page title={t("integrations.title")} subtitle={t("integrations.lead")}>
      <div className="stack">
        <Clients />
        <FeedsPanel />
        <Webhooks />
        <Exclusions />
        <OutboxPanel />
      </div>
    </Page>
  );
}

function SecretOnce({ secret, id }: { secret: string; id?: string }) {
  const { t } = useTranslation();
  return (
    <div className="notice" role="status">
      <p>
        <strong>{t("integrations.secretOnce")}</strong>
      </p>
      {id ? (
        <p>
          {t("integrations.clientId")}: <code className="secret">{id}</code>
        </p>
      ) : null}
      <code className="secret">{secret}</code> <CopyButton text={secret} label={t("calendar.copy")} />
    </div>
  );
}

function Clients() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const clients = useClients();
  const scopes = useScopes();
  const create = useCreateClient();
  const rotate = useRotateSecret();
  const revoke = useRevokeClient();
  const { register, control, handleSubmit, setError, formState } = useForm<ClientValues>({
    resolver: zodResolver(clientSchema),
    defaultValues: { name: "", scopes: ["timetable:write", "timetable:read", "sessions:read"] },
  });
  const formError = useServerErrors(create.error, setError, ["name", "scopes"]);
  const errors = formState.errors;
  const shown = rotate.data ?? create.data;
  const submit = handleSubmit((v) => create.mutate(v));
  return (
    <section className="panel" aria-labelledby="clients">
      <h2 className="panel__title" id="clients">
        {t("integrations.clients")}
      </h2>
      {shown ? <SecretOnce id={shown.client_id} secret={shown.client_secret} /> : null}
      <ErrorAlert error={rotate.error ?? revoke.error ?? undefined} />
      <QueryView query={clients}>
        {(page) => (
          <ul className="list">
            {page.items.map((c) => (
              <li key={c.client_id} className="card">
                <div className="card__head">
                  <strong>{c.name}</strong>
                  <span className={`status status--${c.is_active ? "ok" : "bad"}`}>{c.is_active ? t("integrations.active") : t("integrations.disabled")}</span>
                </div>
                <p className="muted wrap">
                  <code>{c.client_id}</code> · {c.scopes.join(" ")} · {t("integrations.rotated", { date: fmt.dateTime(c.secret_rotated_at) })}
                </p>
                {c.is_active ? (
                  <div className="row">
                    <button type="button" className="button button--secondary button--small" disabled={rotate.isPending} onClick={() => rotate.mutate(c.client_id)}>
                      {t("integrations.rotate")}
                      <span className="visually-hidden"> {c.name}</span>
                    </button>
                    <button type="button" className="button button--secondary button--small" disabled={revoke.isPending} onClick={() => revoke.mutate(c.client_id)}>
                      {t("integrations.revoke")}
                      <span className="visually-hidden"> {c.name}</span>
                    </button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={formError ? create.error : undefined} />
        <TextField label={t("integrations.name")} {...register("name")} error={errors.name?.message} />
        <Controller
          control={control}
          name="scopes"
          render={({ field }) => (
            <CheckboxGroup
              legend={t("integrations.scopes")}
              options={(scopes.data ?? []).map((s) => s.scope)}
              value={field.value}
              onChange={field.onChange}
              label={(s) => s}
              error={errors.scopes?.message}
            />
          )}
        />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("integrations.createClient")}
        </button>
      </form>
    </section>
  );
}

function Webhooks() {
  const { t } = useTranslation();
  const hooks = useWebhooks();
  const create = useCreateWebhook();
  const [open, setOpen] = useState<number | null>(null);
  const toggle = useToggleWebhook();
  const { register, handleSubmit, setError, formState } = useForm<WebhookValues>({
    resolver: zodResolver(webhookSchema),
    defaultValues: { url: "" },
  });
  // The events are fixed here, so an error about them is shown on the URL.
  const formError = useServerErrors(create.error, setError, ["url"]);
  const eventsError = useFormErrors(create.error, ["events"]).field("events");
  const submit = handleSubmit((v) => create.mutate({ url: v.url, events: ["session.created", "session.changed", "session.cancelled"], description: null }));
  return (
    <section className="panel" aria-labelledby="webhooks">
      <h2 className="panel__title" id="webhooks">
        {t("integrations.webhooks")}
      </h2>
      {create.data?.secret ? <SecretOnce secret={create.data.secret} /> : null}
      <ErrorAlert error={toggle.error ?? undefined} />
      <QueryView query={hooks}>
        {(list) => (
          <ul className="list">
            {list.map((h: WebhookEndpoint) => (
              <li key={h.id} className="card">
                <div className="card__head">
                  <strong className="wrap">{h.url}</strong>
                  <span className={`status status--${h.active ? "ok" : "bad"}`}>{h.active ? t("integrations.active") : t("integrations.disabled")}</span>
                </div>
                {h.disabled_reason ? <p className="field__error">{h.disabled_reason}</p> : null}
                <div className="row">
                  <button type="button" className="button button--secondary button--small" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>
                    {t("integrations.deliveries")}
                  </button>
                  <button type="button" className="button button--secondary button--small" disabled={toggle.isPending} onClick={() => toggle.mutate({ id: h.id, on: !h.active })}>
                    {h.active ? t("integrations.disable") : t("integrations.enable")}
                    <span className="visually-hidden"> {h.url}</span>
                  </button>
                </div>
                {open === h.id ? <Deliveries id={h.id} /> : null}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      <form className="form" noValidate onSubmit={(e) => void submit(e)}>
        <ErrorAlert error={formError && !eventsError ? create.error : undefined} />
        <TextField label={t("integrations.webhookUrl")} type="url" {...register("url")} error={formState.errors.url?.message ?? eventsError} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("integrations.addWebhook")}
        </button>
      </form>
    </section>
  );
}

function Deliveries({ id }: { id: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const deliveries = useWebhookDeliveries(id);
  const replay = useReplayDelivery();
  return (
    <QueryView query={deliveries}>
      {(list) =>
        list.length === 0 ? (
          <p className="muted">{t("integrations.noDeliveries")}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("integrations.event")}</th>
                  <th scope="col">{t("profile.status")}</th>
                  <th scope="col">{t("integrations.attempts")}</th>
                  <th scope="col">{t("integrations.last")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("integrations.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id}>
                    <td>{d.event}</td>
                    <td>{d.status}</td>
                    <td>{d.attempts}</td>
                    <td>
                      {fmt.dateTime(d.delivered_at ?? d.created_at)} {d.last_status_code ?? ""} {d.last_error ?? ""}
                    </td>
                    <td>
                      {d.status !== "delivered" ? (
                        <button type="button" className="button button--secondary button--small" disabled={replay.isPending} onClick={() => replay.mutate(d.id)}>
                          {t("integrations.replay")}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryView>
  );
}

function Exclusions() {
  const { t } = useTranslation();
  const list = useExclusions();
  const names = useUserNames((list.data ?? []).flatMap((x) => [x.learner_id, x.tutor_id]));
  const name = (id: string) => names.data?.get(id) ?? id;
  const create = useCreateExclusion();
  const remove = useDeleteExclusion();
  const { register, handleSubmit, setError, formState } = useForm<ExclusionValues>({
    resolver: zodResolver(exclusionSchema),
    defaultValues: { learner_id: "", tutor_id: "", reason: "" },
  });
  const formError = useServerErrors(create.error, setError, ["learner_id", "tutor_id", "reason"]);
  const errors = formState.errors;
  const submit = handleSubmit((v) => create.mutate(v));
  return (
    <section className="panel" aria-labelledby="exclusions">
      <h2 className="panel__title" id="exclusions">
        {t("integrations.exclusions")}
      </h2>
      <p className="muted">{t("integrations.exclusionsLead")}</p>
      <QueryView query={list}>
        {(items) => (
          <ul className="list">
            {items.map((x) => (
              <li key={x.id} className="card card--row">
                <span>
                  {name(x.learner_id)} ⟷ {name(x.tutor_id)} · <span className="muted">{x.reason}</span>
                </span>
                <button type="button" className="button button--secondary button--small" onClick={() => remove.mutate(x.id)}>
                  {t("actions.remove")}
                </button>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      <form className="form" noValidate onSubmit={(e) => void submit(e)}>
        <ErrorAlert error={formError ? create.error : undefined} />
        <TextField label={t("integrations.learnerId")} {...register("learner_id")} error={errors.learner_id?.message} />
        <TextField label={t("approvals.tutorId")} {...register("tutor_id")} error={errors.tutor_id?.message} />
        <TextAreaField label={t("approvals.reason")} {...register("reason")} error={errors.reason?.message} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {t("integrations.addExclusion")}
        </button>
      </form>
    </section>
  );
}
