import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "@playwright/test";
import { expect, test as base } from "../fixtures";
import type { Lang, SystemEnv } from "./global-setup";

const I18N = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "i18n");
const dictionaries: Record<Lang, Record<string, unknown>> = {
  en: JSON.parse(readFileSync(join(I18N, "en.json"), "utf8")),
  fr: JSON.parse(readFileSync(join(I18N, "fr.json"), "utf8")),
};

/** The UI text of a key in a language (no interpolation: use for labels and buttons). */
export function text(lang: Lang, key: string): string {
  const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], dictionaries[lang]);
  if (typeof value !== "string") throw new Error(`no ${lang} text for ${key}`);
  return value;
}

export function systemEnv(): SystemEnv {
  const raw = process.env.NP_SYSTEM;
  if (!raw) throw new Error("NP_SYSTEM is not set: run through playwright.system.config.ts (npm run e2e:system)");
  return JSON.parse(raw) as SystemEnv;
}

/** The stack's URL is known only after globalSetup: each spec does `test.use({ baseURL: systemEnv().baseURL })`. */
export const test = base;
export { expect };

/** A fresh browser context signed in as `username`, with the UI in `lang`. */
export async function signedIn(browser: Browser, lang: Lang, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: systemEnv().baseURL,
    locale: lang === "fr" ? "fr-FR" : "en-GB",
    timezoneId: "Europe/Paris",
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  await page.getByLabel(text(lang, "signIn.username")).fill(username);
  await page.getByLabel(text(lang, "signIn.password")).fill(password);
  await page.getByRole("button", { name: text(lang, "signIn.submit") }).click();
  await expect(page.getByRole("navigation", { name: text(lang, "nav.label") })).toBeVisible();
  return page;
}
