import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { useUserNames } from "../../api/admin";
import { fieldErrors } from "../../api/errors";
import { idempotencyKey } from "../../api/client";
import { useCreateFeed, useDeleteFeed, useFeeds, useRefreshFeed, type Feed, type FeedCreate, type OwnerType } from "../../api/sessions";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { SelectField, TextField, useFormErrors } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

const OWNER_TYPES: readonly OwnerType[] = ["cohort", "group", "person"];
const FIELDS = ["name", "url", "owner.type", "owner.id"] as const;
type Field = (typeof FIELDS)[number];

/** Timetable feeds: register one, see each feed's import status, refresh it now, remove it. */
export function FeedsPanel() {
  const { t } = useTranslation();
  const feeds = useFeeds();
  const persons = (feeds.data ?? []).filter((f) => f.owner.type === "person").map((f) => f.owner.id);
  const names = useUserNames(persons);
  const heading = useRef<HTMLHeadingElement>(null);
  const [removed, setRemoved] = useState("");
  return (
    <section className="panel" aria-labelledby="feeds">
      <h2 className="panel__title" id="feeds" tabIndex={-1} ref={heading}>
        {t("integrations.feeds")}
      </h2>
      <p role="status" className="muted">
        {removed ? t("feedAdmin.removed", { name: removed }) : ""}
      </p>
      <QueryView query={feeds}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t("integrations.noFeeds")}</p>
          ) : (
            <ul className="list">
              {list.map((f) => (
                <FeedCard
                  key={f.id}
                  feed={f}
                  ownerName={names.data?.get(f.owner.id)}
                  onRemoved={() => {
                    setRemoved(f.name);
                    // The card (and the button that had focus) is gone: land on the section.
                    heading.current?.focus();
                  }}
                />
              ))}
            </ul>
          )
        }
      </QueryView>
      <FeedForm />
    </section>
  );
}

/** The last error in the user's language; the server's own (English, technical) text stays available below it. */
function errorSummary(t: TFunction, error: NonNullable<Feed["last_error"]>): string {
  const http = /the server answered HTTP (\d+)/.exec(error.reason);
  if (http) return t("feedAdmin.reason.http", { status: http[1] });
  const size = /larger than (\d+) bytes/.exec(error.reason);
  if (size) return t("feedAdmin.reason.tooLarge", { size: size[1] });
  if (error.reason.startsWith("download failed")) return t("feedAdmin.reason.download");
  return error.line != null ? t("feedAdmin.reason.parseAt", { line: error.line }) : t("feedAdmin.reason.parse");
}

function FeedCard({ feed, ownerName, onRemoved }: { feed: Feed; ownerName?: string; onRemoved: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const refresh = useRefreshFeed();
  const remove = useDeleteFeed();
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState("");
  const removeButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  const id = `feed-${feed.id}`;

  useEffect(() => {
    // Into the confirmation when it opens, back to "Remove" when it closes (not on first render).
    if (confirming) cancelButton.current?.focus();
    else if (opened.current) removeButton.current?.focus();
    opened.current = confirming;
  }, [confirming]);

  const doRefresh = () => {
    if (refresh.isPending) return;
    setOutcome("");
    refresh.mutate(feed.id, {
      onSuccess: (fresh) =>
        setOutcome(
          fresh.status === "error"
            ? t("feedAdmin.refreshedError", { name: fresh.name })
            : t("feedAdmin.refreshedOk", { name: fresh.name, count: fresh.event_count }),
        ),
    });
  };

  const tone = feed.status === "ok" ? "ok" : feed.status === "error" ? "bad" : "warn";
  const owner = t(`feedAdmin.owner.${feed.owner.type}`, { id: ownerName ?? feed.owner.id });
  return (
    <li className="card" aria-busy={refresh.isPending || remove.isPending}>
      <div className="card__head">
        <h3 className="card__title" id={id}>
          {feed.name}
        </h3>
        <span className={`status status--${tone}`}>{t(`feedStatus.${feed.status}`, { defaultValue: feed.status })}</span>
      </div>
      <dl className="details">
        <div>
          <dt>{t("feedAdmin.address")}</dt>
          <dd className="wrap">
            <code>{feed.url}</code>
          </dd>
        </div>
        <div>
          <dt>{t("feedAdmin.ownerLabel")}</dt>
          <dd>{owner}</dd>
        </div>
        <div>
          <dt>{t("feedAdmin.events")}</dt>
          <dd>{feed.event_count}</dd>
        </div>
        <div>
          <dt>{t("feedAdmin.lastFetched")}</dt>
          <dd>{feed.last_fetched_at ? fmt.dateTime(feed.last_fetched_at) : t("feedAdmin.never")}</dd>
        </div>
        <div>
          <dt>{t("feedAdmin.lastSuccess")}</dt>
          <dd>{feed.last_success_at ? fmt.dateTime(feed.last_success_at) : t("feedAdmin.never")}</dd>
        </div>
        {feed.last_error ? (
          <div>
            <dt>{t("feedAdmin.lastError")}</dt>
            <dd>
              <p className="field__error">{errorSummary(t, feed.last_error)}</p>
              <p className="muted">
                {t("feedAdmin.technical")} {feed.last_error.line != null ? `${t("integrations.line", { line: feed.last_error.line })} ` : ""}
                <span lang="en">{feed.last_error.reason}</span>
              </p>
            </dd>
          </div>
        ) : null}
        {feed.warnings.length ? (
          <div>
            <dt>{t("feedAdmin.warnings")}</dt>
            <dd>
              <ul className="plain" lang="en">
                {feed.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>
      <ErrorAlert error={refresh.error ?? remove.error ?? undefined} />
      <p role="status" className="muted">
        {outcome}
      </p>
      {confirming ? (
        <div className="notice" role="group" aria-labelledby={`${id}-confirm`}>
          <p id={`${id}-confirm`}>
            <strong>{t("feedAdmin.removeQuestion", { name: feed.name })}</strong>
          </p>
          <p>{t("feedAdmin.removeConsequence", { count: feed.event_count })}</p>
          <div className="row">
            <button
              type="button"
              className="button button--primary button--small"
              aria-disabled={remove.isPending || undefined}
              onClick={() => {
                if (remove.isPending) return;
                remove.mutate(feed.id, { onSuccess: onRemoved });
              }}
            >
              {remove.isPending ? <BusyMark /> : null}
              {remove.isPending ? t("feedAdmin.removing") : t("feedAdmin.removeConfirm")}
            </button>
            <button type="button" className="button button--secondary button--small" ref={cancelButton} onClick={() => setConfirming(false)}>
              {t("actions.cancel")}
            </button>
          </div>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="button button--secondary button--small" aria-disabled={refresh.isPending || undefined} onClick={doRefresh}>
            {refresh.isPending ? <BusyMark /> : null}
            {refresh.isPending ? t("feedAdmin.refreshing") : t("feedAdmin.refresh")}
            <span className="visually-hidden"> {feed.name}</span>
          </button>
          <button type="button" className="button button--secondary button--small" ref={removeButton} onClick={() => setConfirming(true)}>
            {t("feedAdmin.remove")}
            <span className="visually-hidden"> {feed.name}</span>
          </button>
        </div>
      )}
    </li>
  );
}

/** A small spinner inside a button whose label already says what is going on. */
function BusyMark() {
  return <span className="spinner__circle" style={{ width: "1em", height: "1em", borderWidth: 2 }} aria-hidden="true" />;
}

type Values = { name: string; url: string; ownerType: OwnerType; ownerId: string };
const EMPTY: Values = { name: "", url: "", ownerType: "cohort", ownerId: "" };

function checkValues(t: TFunction, v: Values): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const missing = t("errors.fields.missing");
  if (!v.name.trim()) errors.name = missing;
  const url = v.url.trim();
  if (!url) errors.url = missing;
  else if (!/^https?:\/\/\S+$/i.test(url)) errors.url = t("feedAdmin.urlScheme");
  if (!v.ownerId.trim()) errors["owner.id"] = missing;
  return errors;
}

function FeedForm() {
  const { t } = useTranslation();
  const create = useCreateFeed();
  const server = useFormErrors(create.error, FIELDS);
  const [values, setValues] = useState<Values>(EMPTY);
  const [local, setLocal] = useState<Partial<Record<Field, string>>>({});
  const [created, setCreated] = useState("");
  const [focusTick, setFocusTick] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  // One Idempotency-Key per submit attempt; sending the very same data again after a failure reuses it,
  // so a request that did reach the server before the connection dropped cannot create a second feed.
  const attempt = useRef<{ body: string; key: string } | null>(null);

  useEffect(() => {
    if (focusTick) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTick]);

  const set = (field: Field, patch: Partial<Values>) => {
    setValues((v) => ({ ...v, ...patch }));
    setLocal((e) => ({ ...e, [field]: undefined }));
  };

  // The API's URL check fails as a generic value_error: say what it expects.
  const urlDetail = fieldErrors(create.error)["url"];
  const error = (field: Field) =>
    local[field] ?? (field === "url" && urlDetail?.code === "value_error" ? t("feedAdmin.urlScheme") : server.field(field));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    setCreated("");
    const problems = checkValues(t, values);
    setLocal(problems);
    if (Object.keys(problems).length) {
      setFocusTick((n) => n + 1);
      return;
    }
    const data: FeedCreate = { name: values.name.trim(), url: values.url.trim(), owner: { type: values.ownerType, id: values.ownerId.trim() } };
    const body = JSON.stringify(data);
    if (attempt.current?.body !== body) attempt.current = { body, key: idempotencyKey() };
    create.mutate(
      { data, key: attempt.current.key },
      {
        onSuccess: (feed) => {
          attempt.current = null;
          setValues(EMPTY);
          setCreated(feed.name);
        },
        onError: () => setFocusTick((n) => n + 1),
      },
    );
  };

  return (
    <form className="form" ref={form} onSubmit={submit} noValidate aria-labelledby="feed-form-title">
      <h3 className="card__title" id="feed-form-title">
        {t("feedAdmin.formTitle")}
      </h3>
      <p className="muted">{t("feedAdmin.formLead")}</p>
      <p role="status">{created ? t("feedAdmin.created", { name: created }) : ""}</p>
      <ErrorAlert error={server.formError ? create.error : undefined} />
      <TextField
        label={t("feedAdmin.name")}
        hint={t("feedAdmin.nameHint")}
        name="name"
        required
        autoComplete="off"
        value={values.name}
        onChange={(e) => set("name", { name: e.target.value })}
        error={error("name")}
      />
      <TextField
        label={t("feedAdmin.url")}
        hint={t("feedAdmin.urlHint")}
        type="url"
        name="url"
        required
        autoComplete="off"
        inputMode="url"
        value={values.url}
        onChange={(e) => set("url", { url: e.target.value })}
        error={error("url")}
      />
      <SelectField
        label={t("feedAdmin.ownerType")}
        name="owner_type"
        value={values.ownerType}
        onChange={(e) => set("owner.type", { ownerType: e.target.value as OwnerType })}
        error={error("owner.type")}
      >
        {OWNER_TYPES.map((o) => (
          <option key={o} value={o}>
            {t(`feedAdmin.ownerTypes.${o}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t(`feedAdmin.ownerId.${values.ownerType}`)}
        hint={t(`feedAdmin.ownerIdHint.${values.ownerType}`)}
        name="owner_id"
        required
        autoComplete="off"
        value={values.ownerId}
        onChange={(e) => set("owner.id", { ownerId: e.target.value })}
        error={error("owner.id")}
      />
      <button type="submit" className="button button--primary" aria-disabled={create.isPending || undefined}>
        {create.isPending ? <BusyMark /> : null}
        {create.isPending ? t("feedAdmin.submitting") : t("feedAdmin.submit")}
      </button>
    </form>
  );
}
