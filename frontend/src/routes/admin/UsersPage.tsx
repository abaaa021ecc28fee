import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useImportUsers, useSetRoles, useUsers, type Role } from "../../api/admin";
import { ROLES } from "../../api/types";
import { Page } from "../../components/Page";
import { Pagination } from "../../components/Pagination";
import { CheckboxGroup, FieldFrame, SelectField, TextField } from "../../components/forms";
import { ErrorAlert, QueryView } from "../../components/QueryView";

const PAGE_SIZE = 25;

export default function UsersPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [page, setPage] = useState(1);
  const users = useUsers({ q: q || undefined, role: role || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return (
    <Page title={t("users.title")} subtitle={t("users.lead")}>
      <div className="stack">
        <ImportForm />
        <div className="row row--end">
          <TextField label={t("users.search")} name="q" type="search" value={q} onChange={(e) => { setQ(e.target.value); setPage(1); }} />
          <SelectField label={t("users.role")} name="role" value={role} onChange={(e) => { setRole(e.target.value as Role | ""); setPage(1); }}>
            <option value="">{t("users.anyRole")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}.name`)}
              </option>
            ))}
          </SelectField>
        </div>
        <QueryView query={users}>
          {(data) => (
            <>
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">{t("users.title")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("profile.username")}</th>
                      <th scope="col">{t("profile.fullName")}</th>
                      <th scope="col">{t("profile.roles")}</th>
                      <th scope="col">{t("profile.status")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((u) => (
                      <tr key={u.id}>
                        <td>{u.username}</td>
                        <td>{u.full_name ?? "—"}</td>
                        <td>
                          <RolesEditor id={u.id} username={u.username} roles={u.roles} />
                        </td>
                        <td>{u.is_active ? t("profile.active") : t("profile.inactive")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={page} total={data.total} pageSize={PAGE_SIZE} onPage={setPage} />
            </>
          )}
        </QueryView>
      </div>
    </Page>
  );
}

function ImportForm() {
  const { t } = useTranslation();
  const upload = useImportUsers();
  const { register, control, handleSubmit } = useForm<{ file: FileList | null }>({ defaultValues: { file: null } });
  const files = useWatch({ control, name: "file" });
  const submit = handleSubmit((v) => {
    const file = v.file?.[0];
    if (file) upload.mutate(file);
  });
  return (
    <details className="panel">
      <summary className="panel__title">{t("users.import")}</summary>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <p className="muted">{t("users.importHint")}</p>
        <FieldFrame label={t("users.csvFile")}>{(control) => <input {...control} type="file" accept=".csv,text/csv" {...register("file")} />}</FieldFrame>
        <ErrorAlert error={upload.error ?? undefined} />
        <button type="submit" className="button button--primary" disabled={!files?.length || upload.isPending}>
          {t("users.upload")}
        </button>
      </form>
      {upload.data ? (
        <div role="status">
          <p>{t("users.importResult", { total: upload.data.total_rows, created: upload.data.created, failed: upload.data.invalid, skipped: upload.data.not_imported })}</p>
          {upload.data.rows.some((r) => r.generated_password) ? (
            <div className="notice">
              <p>
                <strong>{t("users.passwordsOnce")}</strong>
              </p>
              <ul className="plain">
                {upload.data.rows
                  .filter((r) => r.generated_password)
                  .map((r) => (
                    <li key={r.row}>
                      {r.username}: <code className="secret">{r.generated_password}</code>
                    </li>
                  ))}
              </ul>
            </div>
          ) : null}
          {upload.data.rows.some((r) => r.errors?.length) ? (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("users.line")}</th>
                  <th scope="col">{t("profile.username")}</th>
                  <th scope="col">{t("users.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {upload.data.rows
                  .filter((r) => r.errors?.length)
                  .map((r) => (
                    <tr key={r.row}>
                      <td>{r.row}</td>
                      <td>{r.username ?? "—"}</td>
                      <td>{r.errors.map((e) => `${e.field ? `${e.field}: ` : ""}${e.message}`).join("; ")}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
    </details>
  );
}

function RolesEditor({ id, username, roles }: { id: string; username: string; roles: Role[] }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<Role[]>(roles);
  const save = useSetRoles();
  return (
    <details>
      <summary>
        {roles.length ? roles.map((r) => t(`roles.${r}.name`)).join(", ") : t("profile.noRoles")}
        <span className="visually-hidden"> — {t("users.editRoles", { name: username })}</span>
      </summary>
      <CheckboxGroup legend={t("users.editRoles", { name: username })} options={ROLES} value={value} onChange={setValue} label={(r) => t(`roles.${r}.name`)} />
      <ErrorAlert error={save.error ?? undefined} />
      <button type="button" className="button button--secondary button--small" disabled={save.isPending} onClick={() => save.mutate({ id, roles: value })}>
        {t("users.saveRoles")}
      </button>
    </details>
  );
}
