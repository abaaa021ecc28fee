import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAcknowledge, useErratumContent } from "../../api/feedback";
import { useMarkRead, useNotifications, type MergedNotification } from "../../api/notifications";
import { Page } from "../../components/Page";
import { ErrorAlert } from "../../components/QueryView";
import { Spinner } from "../../components/Loader";
import { EmptyState } from "../../components/EmptyState";
import { useFormat } from "../../lib/useFormat";

export default function NotificationsPage() {
  const { t } = useTranslation();
  const { items, failed, isLoading } = useNotifications();
  const errata = items.filter((n) => n.erratumId !== null && !n.read_at);
  const others = items.filter((n) => !(n.erratumId !== null && !n.read_at));
  return (
    <Page title={t("notifications.title")}>
      {failed.length ? (
        <p className="notice" role="status">
          {t("notifications.partial", { services: failed.map((s) => t(`services.${s}`)).join(", ") })}
        </p>
      ) : null}
      {isLoading ? <Spinner /> : null}
      {errata.length ? (
        <section aria-labelledby="errata-title" className="errata">
          <h2 className="section-title" id="errata-title">
            {t("notifications.errataTitle", { count: errata.length })}
          </h2>
          <ul className="list">
            {errata.map((n) => (
              <ErratumCard key={n.key} n={n} />
            ))}
          </ul>
        </section>
      ) : null}
      {!isLoading && items.length === 0 ? <EmptyState title={t("notifications.empty")} body={t("notifications.emptyBody")} /> : null}
      {others.length ? (
        <section aria-labelledby="all-title">
          <h2 className="section-title" id="all-title">
            {t("notifications.all")}
          </h2>
          <ul className="list">
            {others.map((n) => (
              <NotificationCard key={n.key} n={n} />
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

function NotificationCard({ n }: { n: MergedNotification }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const read = useMarkRead();
  return (
    <li className={`card notification${n.read_at ? "" : " notification--unread"}`}>
      <div className="card__head">
        <h3 className="card__title">
          {n.read_at ? null : <span className="visually-hidden">{t("notifications.unread")}: </span>}
          {n.title}
        </h3>
        <span className="status status--info">{t(`notificationKind.${n.kind}`, { defaultValue: t(`services.${n.source}`) })}</span>
      </div>
      <p>{n.body}</p>
      <p className="muted">
        <time dateTime={n.created_at}>{fmt.dateTime(n.created_at)}</time>
      </p>
      {n.read_at ? null : (
        <button type="button" className="button button--secondary button--small" disabled={read.isPending} onClick={() => read.mutate({ source: n.source, id: n.id })}>
          {t("notifications.markRead")}
        </button>
      )}
    </li>
  );
}

function ErratumCard({ n }: { n: MergedNotification }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [show, setShow] = useState(true);
  const content = useErratumContent(show ? n.erratumId : null);
  const ack = useAcknowledge();
  const read = useMarkRead();
  const headingId = `erratum-${n.key}`;
  return (
    <li className="card erratum" aria-labelledby={headingId}>
      <h3 className="card__title" id={headingId}>
        {n.title}
      </h3>
      {content.data ? (
        <dl className="details">
          <div>
            <dt>{t("erratum.said")}</dt>
            <dd>
              <q>{content.data.quote}</q>
            </dd>
          </div>
          <div>
            <dt>{t("erratum.correction")}</dt>
            <dd>{content.data.correction}</dd>
          </div>
        </dl>
      ) : (
        <p>{n.body}</p>
      )}
      {content.error ? <button type="button" className="button button--secondary button--small" onClick={() => setShow(false)}>{t("actions.retry")}</button> : null}
      <p className="muted">
        <time dateTime={n.created_at}>{fmt.dateTime(n.created_at)}</time>
      </p>
      <ErrorAlert error={ack.error ?? undefined} />
      <button
        type="button"
        className="button button--primary"
        disabled={ack.isPending}
        onClick={() =>
          ack.mutate(n.erratumId!, {
            onSuccess: () => read.mutate({ source: "feedback", id: n.id }),
          })
        }
      >
        {t("erratum.acknowledge")}
      </button>
    </li>
  );
}
