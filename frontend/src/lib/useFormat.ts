import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { makeFormatters, type Formatters } from "./format";
import { config } from "./config";
import { isLanguage, resolveLocale } from "../i18n";

/** Formatters bound to the user's locale (for the UI language) and the faculty time zone. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const lang = i18n.resolvedLanguage;
  const locale = resolveLocale(isLanguage(lang) ? lang : "en");
  return useMemo(() => makeFormatters(locale, config.facultyTimeZone), [locale]);
}
