import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../i18n";

const NATIVE_NAMES: Record<Language, string> = { en: "English", fr: "Français" };

/** EN | FR segmented switch; the choice is remembered in localStorage. */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage;
  return (
    <div className={`segmented ${className ?? ""}`.trim()} role="group" aria-label={t("language.label")}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          className="segmented__option"
          aria-pressed={current === lang}
          title={NATIVE_NAMES[lang]}
          onClick={() => void setLanguage(lang)}
        >
          {lang.toUpperCase()}
          <span className="visually-hidden"> {NATIVE_NAMES[lang]}</span>
        </button>
      ))}
    </div>
  );
}
