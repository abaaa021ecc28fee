import { describe, expect, it } from "vitest";
import { makeFormatters } from "./format";
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
