import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";
import fr from "./fr.json";

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_STORAGE_KEY = "nearpeer.lang";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

function readStoredLanguage(): Language | null {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/** Stored choice, else the first supported browser language, else English. */
export function detectLanguage(): Language {
  const stored = readStoredLanguage();
  if (stored) return stored;
  for (const tag of browserLanguages()) {
    const primary = tag?.split("-")[0]?.toLowerCase();
    if (isLanguage(primary)) return primary;
  }
  return "en";
}

/**
 * The locale used for dates and numbers: the user's own regional variant of
 * the UI language when the browser has one (en-GB, fr-CA, ...), else a sane
 * European default.
 */
export function resolveLocale(lang: Language): string {
  for (const tag of browserLanguages()) {
    if (tag && tag.split("-")[0]?.toLowerCase() === lang) return tag;
  }
  return lang === "en" ? "en-GB" : "fr-FR";
}

function applyToDocument(lang: string) {
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

export async function setLanguage(lang: Language): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lang);
  } catch {
    /* remembered for this page only */
  }
  await i18n.changeLanguage(lang);
}

i18n.on("languageChanged", applyToDocument);

export function initI18n(lang: Language = detectLanguage()) {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: { en: { translation: en }, fr: { translation: fr } },
      lng: lang,
      fallbackLng: "en",
      supportedLngs: [...LANGUAGES],
      initAsync: false,
      interpolation: { escapeValue: false }, // React escapes
      returnNull: false,
      react: { useSuspense: false },
    });
    applyToDocument(lang);
  }
  return i18n;
}

export default i18n;
