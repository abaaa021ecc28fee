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

/** Offset (ms) of `timeZone` from UTC at the instant `utcMs`. */
function zoneOffset(utcMs: number, timeZone: string): number {
  const parts = formatter("en-GB", timeZone, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A `datetime-local` value ("2026-03-04T14:30") read as wall-clock time in `timeZone` (the faculty's, not the
 * phone's) -> ISO UTC. A time skipped by a daylight-saving jump lands just after it.
 */
export function wallTimeToIso(local: string, timeZone: string = config.facultyTimeZone): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) throw new Error(`not a date-time: ${local}`);
  const [, y, mo, d, h, mi] = match.map(Number);
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  const first = asUtc - zoneOffset(asUtc, timeZone);
  // Re-read the offset at the candidate: it differs when the wall time sits next to a DST change.
  return new Date(asUtc - zoneOffset(first, timeZone)).toISOString();
}

/** An instant -> the `datetime-local` value showing its wall-clock time in `timeZone`. */
export function isoToWallTime(iso: string, timeZone: string = config.facultyTimeZone): string {
  const ms = new Date(iso).getTime();
  const wall = new Date(ms + zoneOffset(ms, timeZone));
  return wall.toISOString().slice(0, 16);
}
