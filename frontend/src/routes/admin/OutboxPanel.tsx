import { useTranslation } from "react-i18next";
import { OUTBOX_SERVICES, useDeadMessages, useOutboxStats, useReplayMessage, type OutboxService } from "../../api/outbox";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { useFormat } from "../../lib/useFormat";

/** Events waiting to reach another service, and the ones it refused for good (replayable once the cause is fixed). */
export function OutboxPanel() {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="outbox">
      <h2 className="panel__title" id="outbox">
        {t("outbox.title")}
      </h2>
      <p className="muted">{t("outbox.lead")}</p>
      {OUTBOX_SERVICES.map((service) => (
        <ServiceOutbox key={service} service={service} />
      ))}
    </section>
  );
}

function ServiceOutbox({ service }: { service: OutboxService }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const stats = useOutboxStats(service);
  const dead = useDeadMessages(service);
  const replay = useReplayMessage(service);
  const headingId = `outbox-${service}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t(`outbox.services.${service}`)}</h3>
      <QueryView query={stats}>
        {(s) => (
          <dl className="stats">
            <div>
              <dt>{t("outbox.pending")}</dt>
              <dd>{s.pending}</dd>
            </div>
            <div>
              <dt>{t("outbox.dead")}</dt>
              <dd>{s.dead}</dd>
            </div>
            <div>
              <dt>{t("outbox.delivered")}</dt>
              <dd>{s.delivered}</dd>
            </div>
            <div>
              <dt>{t("outbox.oldestPending")}</dt>
              <dd>{s.oldest_pending_at ? <time dateTime={s.oldest_pending_at}>{fmt.dateTime(s.oldest_pending_at)}</time> : "—"}</dd>
            </div>
          </dl>
        )}
      </QueryView>
      <ErrorAlert error={replay.error ?? undefined} />
      <QueryView query={dead}>
        {(messages) =>
          messages.length === 0 ? (
            <p className="muted">{t("outbox.noDead")}</p>
          ) : (
            <ul className="list">
              {messages.map((m) => (
                <li key={m.id} className="card">
                  <p>
                    <strong>{m.topic}</strong> · <code>{m.key}</code>
                  </p>
                  <p className="muted">
                    {t("outbox.refused", { count: m.refusals })}
                    {m.dead_at ? (
                      <>
                        {" · "}
                        <time dateTime={m.dead_at}>{fmt.dateTime(m.dead_at)}</time>
                      </>
                    ) : null}
                  </p>
                  {m.last_error ? <p className="notice">{m.last_error}</p> : null}
                  <button type="button" className="button button--secondary button--small" disabled={replay.isPending} onClick={() => replay.mutate(m.id)}>
                    {t("outbox.replay")}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}
