import { useEffect, useMemo, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { useUserNames } from "../../api/admin";
import { idempotencyKey } from "../../api/client";
import { useCreateFeed, useDeleteFeed, useFeeds, useRefreshFeed, type Feed, type FeedCreate, type OwnerType } from "../../api/sessions";
import { ErrorAlert, QueryView } from "../../components/QueryView";
import { SelectField, TextField, useServerErrors } from "../../components/forms";
import { useFormat } from "../../lib/useFormat";

const OWNER_TYPES = ["cohort", "group", "person"] as const satisfies readonly OwnerType[];
const FIELDS = ["name", "url", "owner.type", "owner.id"] as const;

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

function feedSchema(t: TFunction) {
  const missing = t("errors.fields.missing");
  return z.object({
    name: z.string().trim().min(1, missing),
    url: z
      .string()
      .trim()
      .min(1, missing)
      .regex(/^https?:\/\/\S+$/i, t("feedAdmin.urlScheme")),
    owner: z.object({ type: z.enum(OWNER_TYPES), id: z.string().trim().min(1, missing) }),
  });
}
const EMPTY: FeedCreate = { name: "", url: "", owner: { type: "cohort", id: "" } };

function FeedForm() {
  const { t } = useTranslation();
  const create = useCreateFeed();
  const schema = useMemo(() => feedSchema(t), [t]);
  const { register, control, handleSubmit, setError, reset, formState } = useForm<FeedCreate>({
    resolver: zodResolver(schema),
    defaultValues: EMPTY,
  });
  const errors = formState.errors;
  const ownerType = useWatch({ control, name: "owner.type" });
  // The API's URL check fails as a generic value_error: say what it expects.
  const formError = useServerErrors(create.error, setError, FIELDS, (field, detail) =>
    field === "url" && detail.code === "value_error" ? t("feedAdmin.urlScheme") : undefined,
  );
  const [created, setCreated] = useState("");
  // One Idempotency-Key per submit attempt; sending the very same data again after a failure reuses it,
  // so a request that did reach the server before the connection dropped cannot create a second feed.
  const attempt = useRef<{ body: string; key: string } | null>(null);

  const send = (data: FeedCreate) => {
    if (create.isPending) return;
    setCreated("");
    const body = JSON.stringify(data);
    if (attempt.current?.body !== body) attempt.current = { body, key: idempotencyKey() };
    create.mutate(
      { data, key: attempt.current.key },
      {
        onSuccess: (feed) => {
          attempt.current = null;
          reset(EMPTY);
          setCreated(feed.name);
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={(e) => void handleSubmit(send)(e)} noValidate aria-labelledby="feed-form-title">
      <h3 className="card__title" id="feed-form-title">
        {t("feedAdmin.formTitle")}
      </h3>
      <p className="muted">{t("feedAdmin.formLead")}</p>
      <p role="status">{created ? t("feedAdmin.created", { name: created }) : ""}</p>
      <ErrorAlert error={formError ? create.error : undefined} />
      <TextField
        label={t("feedAdmin.name")}
        hint={t("feedAdmin.nameHint")}
        required
        autoComplete="off"
        {...register("name")}
        error={errors.name?.message}
      />
      <TextField
        label={t("feedAdmin.url")}
        hint={t("feedAdmin.urlHint")}
        type="url"
        required
        autoComplete="off"
        inputMode="url"
        {...register("url")}
        error={errors.url?.message}
      />
      <SelectField
        label={t("feedAdmin.ownerType")}
        {...register("owner.type")}
        error={errors.owner?.type?.message}
      >
        {OWNER_TYPES.map((o) => (
          <option key={o} value={o}>
            {t(`feedAdmin.ownerTypes.${o}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t(`feedAdmin.ownerId.${ownerType}`)}
        hint={t(`feedAdmin.ownerIdHint.${ownerType}`)}
        required
        autoComplete="off"
        {...register("owner.id")}
        error={errors.owner?.id?.message}
      />
      <button type="submit" className="button button--primary" aria-disabled={create.isPending || undefined}>
        {create.isPending ? <BusyMark /> : null}
        {create.isPending ? t("feedAdmin.submitting") : t("feedAdmin.submit")}
      </button>
    </form>
  );
}
