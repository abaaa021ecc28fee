import {
  useEffect,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { fieldErrors, type ApiErrorDetail } from "../api/errors";
import { useErrorText } from "../lib/errorText";

/** What a control needs from its frame: its id and the aria wiring to the hint and the error. */
export interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

interface FrameProps {
  label: ReactNode;
  hint?: string;
  error?: string | undefined;
  className?: string;
  /** A group of controls (radios, checkboxes): a fieldset with a legend, described by the hint and the error. */
  group?: string;
  children: (control: ControlProps) => ReactNode;
}

/**
 * The one field frame: label (or legend), hint, error, and the ids that tie
 * them to the control, so the error is announced with it (aria-describedby,
 * aria-invalid). Every field of the app is drawn by it.
 */
export function FieldFrame({ label, hint, error, className, group, children }: FrameProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const control: ControlProps = { id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy };
  const classes = [group ?? "field", error ? "field--invalid" : "", className ?? ""].filter(Boolean).join(" ");
  const hintText = hint ? (
    <p className="field__hint" id={hintId}>
      {hint}
    </p>
  ) : null;
  const errorText = error ? (
    <p className="field__error" id={errorId}>
      <span aria-hidden="true">⚠︎ </span>
      {error}
    </p>
  ) : null;
  if (group)
    return (
      <fieldset className={classes} aria-describedby={describedBy}>
        <legend className="field__label">{label}</legend>
        {hintText}
        {children(control)}
        {errorText}
      </fieldset>
    );
  return (
    <div className={classes}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hintText}
      <div className="field__control">{children(control)}</div>
      {errorText}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  name: string;
  hint?: string;
  error?: string | undefined;
  /** Rendered inside the input's frame, after it (e.g. a show-password toggle). */
  endAdornment?: ReactNode;
  ref?: React.Ref<HTMLInputElement>;
};

/** Labelled input; spread `register("name")` into it, or pass value/onChange. */
export function TextField({ label, hint, error, className, endAdornment, ...input }: InputProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <>
          <input {...input} {...control} className="field__input" />
          {endAdornment}
        </>
      )}
    </FieldFrame>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label: string;
  name: string;
  hint?: string;
  error?: string | undefined;
  children: ReactNode;
  ref?: React.Ref<HTMLSelectElement>;
};

export function SelectField({ label, hint, error, children, ...select }: SelectProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {(control) => (
        <select {...select} {...control} className="field__input">
          {children}
        </select>
      )}
    </FieldFrame>
  );
}

type AreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & {
  label: string;
  name: string;
  hint?: string;
  error?: string | undefined;
  ref?: React.Ref<HTMLTextAreaElement>;
};

export function TextAreaField({ label, hint, error, ...area }: AreaProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {(control) => <textarea rows={3} {...area} {...control} className="field__input field__textarea" />}
    </FieldFrame>
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
  error?: string | undefined;
}) {
  return (
    <FieldFrame label={legend} error={error} group="scale">
      {() => (
        <div className="scale__row">
          <span className="scale__end" aria-hidden="true">
            {low}
          </span>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="scale__option">
              <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} />
              <span>{n}</span>
              <span className="visually-hidden">{n === 1 ? ` (${low})` : n === 5 ? ` (${high})` : ""}</span>
            </label>
          ))}
          <span className="scale__end" aria-hidden="true">
            {high}
          </span>
        </div>
      )}
    </FieldFrame>
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
  error?: string | undefined;
}) {
  return (
    <FieldFrame label={legend} error={error} group="checks">
      {() => (
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
      )}
    </FieldFrame>
  );
}

/**
 * Field errors of an API error, translated, keyed by form field; `formError`
 * is the message to show above the form when no field claims the error.
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

/**
 * For react-hook-form forms: put the server's field errors (`details[].field`,
 * e.g. `body.username`) on the form's fields, next to them, and focus the
 * first; returns the message for the form when no field claims the error.
 */
export function useServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
  /** A form's own text for a server error on one of its fields (else the translated code, else the server's message). */
  custom?: (field: Path<T>, detail: ApiErrorDetail) => string | undefined,
) {
  const { field, formError } = useFormErrors(error, fields);
  useEffect(() => {
    const server = fieldErrors(error);
    let focus = true;
    for (const f of fields) {
      const detail = server[f] ?? server[f.split(".")[0]!];
      const message = (detail && custom?.(f, detail)) || field(f);
      if (!message) continue;
      setError(f, { type: "server", message }, { shouldFocus: focus });
      focus = false;
    }
    // Only a new error sets the fields again (the text of an unchanged error is the same).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [error]);
  return formError;
}
