import { config } from "./config";

/**
 * Date/time formatting: always in the faculty time zone (a ward round at
 * 08:00 Paris time is 08:00 whatever the phone's zone), in the user's locale.
 */
export type DateInput = Date | string | number;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    cache.set(key, f);
  }
  return f;
}

export interface Formatters {
  locale: string;
  timeZone: string;
  /** e.g. "Tue 4 Mar 2025" / "mar. 4 mars 2025" */
  date(value: DateInput): string;
  /** e.g. "Tuesday 4 March 2025" */
  longDate(value: DateInput): string;
  /** e.g. "14:30" / "2:30 PM" per locale */
  time(value: DateInput): string;
  /** date and time */
  dateTime(value: DateInput): string;
  /** Short name of the time zone, e.g. "CET" / "UTC+1" */
  zoneName(value?: DateInput): string;
}

export function makeFormatters(locale: string, timeZone: string = config.facultyTimeZone): Formatters {
  return {
    locale,
    timeZone,
    date: (v) =>
      formatter(locale, timeZone, { weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(toDate(v)),
    longDate: (v) =>
      formatter(locale, timeZone, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(toDate(v)),
    time: (v) => formatter(locale, timeZone, { timeStyle: "short" }).format(toDate(v)),
    dateTime: (v) =>
      formatter(locale, timeZone, { dateStyle: "medium", timeStyle: "short" }).format(toDate(v)),
    zoneName: (v = new Date()) =>
      formatter(locale, timeZone, { timeZoneName: "short" })
        .formatToParts(toDate(v))
        .find((p) => p.type === "timeZoneName")?.value ?? timeZone,
  };
}
