import { describe, expect, it } from "vitest";
import { isoToWallTime, makeFormatters, wallTimeToIso } from "./format";
import { isValidTimeZone, readConfig } from "./config";

// 2025-03-04T07:30:00Z is 08:30 in Paris (CET, UTC+1) and 02:30 in New York.
const instant = "2025-03-04T07:30:00Z";

describe("date formatting", () => {
  it("formats in the faculty time zone, whatever the device zone", () => {
    expect(makeFormatters("fr-FR", "Europe/Paris").time(instant)).toBe("08:30");
    expect(makeFormatters("en-GB", "Europe/Paris").time(instant)).toBe("08:30");
    expect(makeFormatters("en-GB", "America/New_York").time(instant)).toBe("02:30");
  });

  it("follows the user's locale", () => {
    expect(makeFormatters("fr-FR", "Europe/Paris").longDate(instant)).toBe("mardi 4 mars 2025");
    expect(makeFormatters("en-GB", "Europe/Paris").longDate(instant)).toMatch(/^Tuesday,? 4 March 2025$/);
    expect(makeFormatters("en-US", "Europe/Paris").time(instant)).toMatch(/^8:30\sAM$/);
  });

  it("handles the summer time switch", () => {
    const f = makeFormatters("en-GB", "Europe/Paris");
    expect(f.time("2025-07-01T07:30:00Z")).toBe("09:30");
  });

  it("defaults the faculty time zone to Europe/Paris and rejects invalid zones", () => {
    expect(readConfig().facultyTimeZone).toBe("Europe/Paris");
    expect(isValidTimeZone("Europe/Paris")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    window.__NEARPEER_CONFIG__ = { facultyTimeZone: "Europe/Brussels" };
    expect(readConfig().facultyTimeZone).toBe("Europe/Brussels");
    window.__NEARPEER_CONFIG__ = { facultyTimeZone: "nope" };
    expect(readConfig().facultyTimeZone).toBe("Europe/Paris");
    delete window.__NEARPEER_CONFIG__;
  });
});

describe("faculty wall time <-> UTC", () => {
  it("reads datetime-local values in the faculty zone, whatever the browser's", () => {
    expect(wallTimeToIso("2026-01-15T08:00", "Europe/Paris")).toBe("2026-01-15T07:00:00.000Z");
    expect(wallTimeToIso("2026-07-15T08:00", "Europe/Paris")).toBe("2026-07-15T06:00:00.000Z");
    expect(wallTimeToIso("2026-07-15T08:00", "America/New_York")).toBe("2026-07-15T12:00:00.000Z");
    expect(wallTimeToIso("2026-10-25T03:30", "Europe/Paris")).toBe("2026-10-25T02:30:00.000Z");
  });

  it("lands a time skipped by the spring jump just after it", () => {
    // 02:30 does not exist in Paris on 29 March 2026 (02:00 -> 03:00).
    expect(wallTimeToIso("2026-03-29T02:30", "Europe/Paris")).toBe("2026-03-29T01:30:00.000Z");
  });

  it("shows an instant as faculty wall time and round-trips", () => {
    expect(isoToWallTime("2026-01-15T07:00:00Z", "Europe/Paris")).toBe("2026-01-15T08:00");
    expect(isoToWallTime("2026-07-15T06:00:00Z", "Europe/Paris")).toBe("2026-07-15T08:00");
    for (const local of ["2026-02-01T00:00", "2026-06-30T23:59", "2026-11-25T18:15"]) {
      expect(isoToWallTime(wallTimeToIso(local, "Europe/Paris"), "Europe/Paris")).toBe(local);
    }
  });
});
