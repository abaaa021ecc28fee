import { useId, useState, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { fieldErrors, isApiError } from "../api/errors";
import { useErrorText } from "../lib/errorText";
import { Spinner } from "./Loader";

function describedBy(...ids: (string | undefined)[]) {
  return ids.filter(Boolean).join(" ") || undefined;
}

function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p className="field__error" id={id}>
      <span aria-hidden="true">⚠︎ </span>
      {error}
    </p>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label: string;
  name: string;
  hint?: string;
  error?: string;
  children: ReactNode;
};

export function SelectField({ label, name, hint, error, children, ...select }: SelectProps) {
  const id = useId();
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? <p className="field__hint" id={`${id}-hint`}>{hint}</p> : null}
      <div className="field__control">
        <select
          {...select}
          id={id}
          name={name}
          className="field__input"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined)}
        >
          {children}
        </select>
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

type AreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & {
  label: string;
  name: string;
  hint?: string;
  error?: string;
};

export function TextAreaField({ label, name, hint, error, ...area }: AreaProps) {
  const id = useId();
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? <p className="field__hint" id={`${id}-hint`}>{hint}</p> : null}
      <div className="field__control">
        <textarea
          rows={3}
          {...area}
          id={id}
          name={name}
          className="field__input field__textarea"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined)}
        />
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** 1..5 scale as a radio group (keyboard: arrows), with the two ends labelled. */
export function ScaleField({
  legend,
  name,
  value,
  onChange,
  low,
  high,
  error,
}: {
  legend: string;
  name: string;
  value: number | null;
  onChange: (v: number) => void;
  low: string;
  high: string;
  error?: string;
}) {
  const id = useId();
  return (
    <fieldset className={`scale${error ? " field--invalid" : ""}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field__label">{legend}</legend>
      <div className="scale__row">
        <span className="scale__end" aria-hidden="true">{low}</span>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className="scale__option">
            <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} />
            <span>{n}</span>
            <span className="visually-hidden">{n === 1 ? ` (${low})` : n === 5 ? ` (${high})` : ""}</span>
          </label>
        ))}
        <span className="scale__end" aria-hidden="true">{high}</span>
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}

export function CheckboxGroup<T extends string>({
  legend,
  options,
  value,
  onChange,
  label,
  error,
}: {
  legend: string;
  options: readonly T[];
  value: T[];
  onChange: (v: T[]) => void;
  label: (o: T) => string;
  error?: string;
}) {
  const id = useId();
  return (
    <fieldset className={`checks${error ? " field--invalid" : ""}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field__label">{legend}</legend>
      <div className="checks__row">
        {options.map((o) => (
          <label key={o} className="check">
            <input
              type="checkbox"
              checked={value.includes(o)}
              onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((v) => v !== o))}
            />
            <span>{label(o)}</span>
          </label>
        ))}
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}

/**
 * Field errors of an API error, translated, keyed by form field; `rest` is
 * the message to show above the form when no field claims the error.
 */
export function useFormErrors(error: unknown, fields: readonly string[]) {
  const { forError, forDetail } = useErrorText();
  const server = fieldErrors(error);
  const byField: Record<string, string | undefined> = {};
  for (const f of fields) byField[f] = forDetail(server[f] ?? server[f.split(".")[0]!]);
  const claimed = fields.some((f) => byField[f]);
  const formError = error && !claimed ? forError(error) : null;
  return { field: (name: string) => byField[name], formError };
}

export function ErrorAlert({ error, children }: { error?: unknown; children?: ReactNode }) {
  const { forError } = useErrorText();
  if (!error && !children) return null;
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div className="alert" role="alert">
      {children ?? forError(error)}
      {requestId ? <span className="alert__ref"> ({requestId})</span> : null}
    </div>
  );
}

/** Loading / error / content for a query, with a retry button on failure. */
export function QueryView<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: unknown; isLoading: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (query.isLoading) return <Spinner />;
  if (query.error && query.data === undefined)
    return (
      <div>
        <ErrorAlert error={query.error} />
        <button type="button" className="button button--secondary" onClick={() => void query.refetch()}>
          {t("actions.retry")}
        </button>
      </div>
    );
  if (query.data === undefined) return null;
  return <>{children(query.data)}</>;
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button--secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setCopied(true);
            window.setTimeout(() => setCopied(false), 2500);
          } catch {
            setCopied(false);
          }
        }}
      >
        {label}
      </button>
      <span role="status" className="muted">
        {copied ? t("common.copied") : ""}
      </span>
    </>
  );
}

export function StatusBadge({ status, tone }: { status: string; tone?: "ok" | "warn" | "bad" | "info" }) {
  return <span className={`status status--${tone ?? "info"}`}>{status}</span>;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const v = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress">
      <div className="progress__label">
        <span>{label}</span> <span>{v}%</span>
      </div>
      <div className="progress__track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={v}>
        <div className="progress__fill" style={{ width: `${v}%` }} />
      </div>
    </div>
  );
}
