import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../api/errors";
import { useErrorText } from "../lib/errorText";
import { Spinner } from "./Loader";

/** An API error (or other failure) as an alert, with the request id to quote. */
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
