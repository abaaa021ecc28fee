import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuditLog, type AuditAction, type AuditEvent } from "../../api/admin";
import { Page } from "../../components/Page";
import { Pagination } from "../../components/Pagination";
import { QueryView } from "../../components/QueryView";
import { SelectField } from "../../components/forms";
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
                <Pagination page={page} total={data.total} pageSize={PAGE_SIZE} onPage={setPage} summaryKey="audit.page" />
              </>
            )
          }
        </QueryView>
      </div>
    </Page>
  );
}

type Change = { from: unknown; to: unknown };
type Details = { username?: string; name?: string; roles?: string[]; scopes?: string[]; created?: string[]; changes?: Record<string, Change> };
const FIELD_LABELS: Record<string, string> = { roles: "profile.roles", full_name: "profile.fullName", email: "profile.email", is_active: "profile.status" };

/** The entry in the reader's language, from its structured details (the server's English summary is the fallback). */
function AuditDetail({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const d = event.details as Details;
  const roles = (list: unknown) => (Array.isArray(list) ? list.map((r) => t(`roles.${String(r)}.name`)).join(", ") : "—");
  const value = (field: string, v: unknown) =>
    field === "roles" ? roles(v) : typeof v === "boolean" ? t(v ? "profile.active" : "profile.inactive") : v === null || v === "" ? "—" : String(v);
  let text: string;
  switch (event.action) {
    case "user.created":
      text = d.username ? `${d.username} (${roles(d.roles)})` : event.summary;
      break;
    case "users.imported":
      text = d.created ? t("audit.imported", { count: d.created.length }) : event.summary;
      break;
    case "client.created":
      text = d.name ? `${d.name} (${(d.scopes ?? []).join(", ")})` : event.summary;
      break;
    default:
      text = d.username ?? d.name ?? event.summary;
  }
  const changes = Object.entries(d.changes ?? {});
  return (
    <>
      <span>{text}</span>
      {changes.length ? (
        <ul className="plain">
          {changes.map(([field, change]) => (
            <li key={field}>
              {FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field}: {value(field, change.from)} → {value(field, change.to)}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
