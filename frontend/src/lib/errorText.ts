import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { isApiError, type ApiErrorDetail } from "../api/errors";

/**
 * Human text for API errors: a translation keyed by the error `code` when we
 * have one, otherwise the server's own message.
 */
export function useErrorText() {
  const { t, i18n } = useTranslation();

  const forError = useCallback(
    (error: unknown): string => {
      if (isApiError(error)) {
        const key = `errors.codes.${error.code}`;
        return i18n.exists(key) ? t(key) : error.message || t("errors.codes.internal_error");
      }
      return t("errors.unexpected");
    },
    [t, i18n],
  );

  const forDetail = useCallback(
    (detail: ApiErrorDetail | undefined): string | undefined => {
      if (!detail) return undefined;
      const key = `errors.fields.${detail.code}`;
      return i18n.exists(key) ? t(key) : detail.message;
    },
    [t, i18n],
  );

  return { forError, forDetail };
}
