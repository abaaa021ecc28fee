import { describe, expect, it } from "vitest";
import en from "./en.json";

/*
 * Every key of the catalogues is used somewhere in the code, and every key the
 * code asks for exists. A key counts as used when it appears as a string
 * literal, or matches a template literal such as `roles.${role}.name`
 * (each `${…}` stands for any part of the key). Plural forms (`_one`, `_other`)
 * count as their base key.
 */

const sources = import.meta.glob<string>(["../**/*.{ts,tsx}", "!../**/*.test.{ts,tsx}", "!../api/schema.d.ts", "!../test/**"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const code = Object.values(sources).join("\n");

function flatten(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === "object" ? flatten(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
const PLURAL = /_(zero|one|two|few|many|other)$/;
const baseKey = (key: string) => key.replace(PLURAL, "");

const keys = flatten(en);
const catalogue = new Set([...keys, ...keys.map(baseKey)]);
const literals = new Set([...code.matchAll(/["'`]([a-zA-Z][\w-]*(?:\.[\w-]+)+)["'`]/g)].map((m) => m[1]!));
const templates = [...code.matchAll(/`([a-zA-Z][\w-]*\.(?:[\w.-]|\$\{[^}]*\})*)`/g)]
  .map((m) => m[1]!)
  .filter((tpl) => tpl.includes("${"))
  .map((tpl) => new RegExp(`^${tpl.split(/\$\{[^}]*\}/).map((part) => part.replace(/\./g, "\\.")).join(".+")}$`));

describe("i18n catalogues", () => {
  it("have no key the code never uses", () => {
    const used = (key: string) => literals.has(key) || templates.some((re) => re.test(key));
    const unused = keys.filter((key) => !used(key) && !used(baseKey(key)));
    expect(unused).toEqual([]);
  });

  it("have every key the code asks for", () => {
    const asked = [...code.matchAll(/(?:\bt\(|i18nKey=)\s*["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(asked.length).toBeGreaterThan(100);
    expect(asked.filter((key) => !catalogue.has(key))).toEqual([]);
  });
});
