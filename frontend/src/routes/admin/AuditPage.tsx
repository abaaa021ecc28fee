import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuditLog, type AuditAction, type AuditEvent } from "../../api/admin";
import { Page } from "../../components/Page";
import { Pagination } from "../../components/Pagination";
import { QueryView, SelectField } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

const PAGE_SIZE = 50;
export const AUDIT_ACTIONS: AuditAction[] = [
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.password_reset",
  "users.imported",
  "client.created",
  "client.secret_rotated",
  "client.revoked",
];

/** Who changed which account or machine client, and when (newest first). */
export default function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [action, setAction] = useState<AuditAction | "">("");
  const [page, setPage] = useState(1);
  const log = useAuditLog({ action: action || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return (
    <Page title={t("audit.title")} subtitle={t("audit.lead")}>
      <div className="stack">
        <div className="row row--end">
          <SelectField label={t("audit.action")} name="action" value={action} onChange={(e) => { setAction(e.target.value as AuditAction | ""); setPage(1); }}>
            <option value="">{t("audit.anyAction")}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.actions.${a}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <QueryView query={log}>
          {(data) =>
            data.items.length === 0 ? (
              <p className="muted">{t("audit.none")}</p>
            ) : (
              <>
                <div className="table-wrap">
                  <table className="table">
                    <caption className="visually-hidden">{t("audit.title")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("audit.when")}</th>
                        <th scope="col">{t("audit.who")}</th>
                        <th scope="col">{t("audit.what")}</th>
                        <th scope="col">{t("audit.detail")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((e) => (
                        <tr key={e.id}>
                          <td>
                            <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
                          </td>
                          <td>{e.actor_id ? e.actor_name : t("audit.commandLine")}</td>
                          <td>{t(`audit.actions.${e.action}`)}</td>
                          <td>
                            <AuditDetail event={e} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pagination page={page} total={data.total} pageSize={PAGE_SIZE} onPage={setPage} />
              </>
            )
          }
        </QueryView>
      </div>
    </Page>
  );
}

type Change = { from: unknown; to: unknown };

function show(value: unknown): string {
  if (Array.isArray(value)) return value.join(", ");
  if (value === null || value === undefined || value === "") return "—";
  return String(value);
}

/** The server's summary, plus each changed field as "field: before → after" when the entry has them. */
function AuditDetail({ event }: { event: AuditEvent }) {
  const changes = event.action === "user.updated" || event.action === "user.deactivated" ? Object.entries(event.details as Record<string, Change>) : [];
  return (
    <>
      <span>{event.summary}</span>
      {changes.length ? (
        <ul className="plain">
          {changes.map(([field, change]) => (
            <li key={field}>
              {field}: {show(change.from)} → {show(change.to)}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
