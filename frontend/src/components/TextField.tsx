import { useId, type InputHTMLAttributes, type ReactNode } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  name: string;
  hint?: string;
  error?: string | undefined;
  /** Rendered inside the input's frame, after it (e.g. a show-password toggle). */
  endAdornment?: ReactNode;
};

/** Labelled input; its error is announced and tied to it with aria-describedby. */
export function TextField({ label, name, hint, error, className, endAdornment, ...input }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["field", error ? "field--invalid" : "", className ?? ""].join(" ").trim()}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <div className="field__control">
        <input
          {...input}
          id={id}
          name={name}
          className="field__input"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        {endAdornment}
      </div>
      {error ? (
        <p className="field__error" id={errorId}>
          <span aria-hidden="true">⚠︎ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}
