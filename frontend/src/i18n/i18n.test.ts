import { afterEach, describe, expect, it, vi } from "vitest";
import i18n, { detectLanguage, LANGUAGE_STORAGE_KEY, resolveLocale, setLanguage } from ".";
import en from "./en.json";
import fr from "./fr.json";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

afterEach(async () => {
  window.localStorage.clear();
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

describe("i18n", () => {
  it("switches language, remembers it in localStorage and updates <html lang>", async () => {
    expect(i18n.t("signIn.submit")).toBe("Sign in");
    await setLanguage("fr");
    expect(i18n.t("signIn.submit")).toBe("Se connecter");
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("fr");
    expect(document.documentElement.lang).toBe("fr");
    // A fresh start picks the remembered language.
    expect(detectLanguage()).toBe("fr");
    await setLanguage("en");
    expect(detectLanguage()).toBe("en");
    expect(document.documentElement.lang).toBe("en");
  });

  it("falls back to the browser language, then English, and ignores junk in storage", () => {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, "klingon");
    vi.stubGlobal("navigator", { ...navigator, languages: ["fr-CA", "en"], language: "fr-CA" });
    expect(detectLanguage()).toBe("fr");
    expect(resolveLocale("fr")).toBe("fr-CA");
    expect(resolveLocale("en")).toBe("en");
    vi.stubGlobal("navigator", { ...navigator, languages: ["de-DE"], language: "de-DE" });
    expect(detectLanguage()).toBe("en");
    expect(resolveLocale("en")).toBe("en-GB");
  });

  it("has the same keys in English and French", () => {
    expect(keys(fr).sort()).toEqual(keys(en).sort());
  });
});
