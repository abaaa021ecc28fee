/**
 * Runtime configuration.
 *
 * Values come, in order, from `window.__NEARPEER_CONFIG__` (the gateway may
 * inject it into index.html), from Vite env vars at build time, then defaults.
 */
export interface AppConfig {
  /** IANA time zone in which the faculty's schedule lives. */
  facultyTimeZone: string;
}

declare global {
  interface Window {
    __NEARPEER_CONFIG__?: Partial<AppConfig>;
  }
}

export const DEFAULT_TIME_ZONE = "Europe/Paris";

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== "string" || tz === "") return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function readConfig(): AppConfig {
  const injected = typeof window !== "undefined" ? window.__NEARPEER_CONFIG__ : undefined;
  const candidates = [injected?.facultyTimeZone, import.meta.env.VITE_FACULTY_TIME_ZONE];
  const facultyTimeZone = candidates.find(isValidTimeZone) ?? DEFAULT_TIME_ZONE;
  return { facultyTimeZone };
}

export const config: AppConfig = readConfig();
