import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import CalendarPage from "./CalendarPage";
import { setAccessToken } from "../../api/session";
import { json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const inDays = (days: number, hour: number) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

const entry = (over: object) => ({
  session_id: null, role: null, state: null, waitlisted: false, location: null, ...over,
});

describe("<CalendarPage>", () => {
  it("shows the learner's own lecture with its kind and place, and their sessions with their role", async () => {
    const mock = mockFetch({
      ...signedInRoutes(["learner", "tutor"]),
      "GET /api/sessions/agenda": () =>
        json({
          start: inDays(0, 0),
          end: inDays(14, 0),
          entries: [
            entry({ id: "timetable:4", kind: "lecture", title: "Renal physiology", location: "Amphi A", starts_at: inDays(2, 8), ends_at: inDays(2, 10), source: "timetable" }),
            entry({ id: "session:7", kind: "session", title: "ECG interpretation", location: "Room 2.14", starts_at: inDays(2, 13), ends_at: inDays(2, 14), source: "session", session_id: 7, role: "learner", state: "open" }),
            entry({ id: "session:9", kind: "session", title: "Chest X-rays", location: "online", starts_at: inDays(3, 13), ends_at: inDays(3, 14), source: "session", session_id: 9, role: "tutor", state: "open" }),
          ],
        }),
      "GET /api/sessions/calendar/feed-url": () =>
        json({ url: "https://nearpeer.example/api/sessions/calendar/abc.ics", created_at: "2026-01-01T10:00:00Z", note: "" }),
    });
    renderApp(<CalendarPage />, { route: "/learner/calendar" });

    const lecture = (await screen.findByText("Renal physiology")).closest("li")!;
    expect(within(lecture).getByText(/Lecture · Amphi A/)).toBeInTheDocument();
    expect(lecture.querySelectorAll("time")).toHaveLength(2);
    const attending = screen.getByText("ECG interpretation").closest("li")!;
    expect(within(attending).getByText(/Teaching session · You attend · Room 2\.14/)).toBeInTheDocument();
    const teaching = screen.getByText("Chest X-rays").closest("li")!;
    expect(within(teaching).getByText(/You teach · Online/)).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 2 }).length).toBeGreaterThanOrEqual(2);
    expect(screen.getByLabelText("Your personal calendar address")).toHaveValue("https://nearpeer.example/api/sessions/calendar/abc.ics");
    expect(screen.queryByText("Busy")).not.toBeInTheDocument();
    expect(mock.count("GET /api/sessions/sessions")).toBe(0);
    expect(mock.count("GET /api/sessions/freebusy")).toBe(0);
  });
});
