import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import NotificationsPage from "./NotificationsPage";
import { mergeNotifications } from "../../api/notifications";
import { setAccessToken } from "../../api/session";
import { apiError, json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const note = (id: number, kind: string, title: string, created_at: string, link: string | null = null, read_at: string | null = null) => ({
  id,
  kind,
  title,
  body: `${title} body`,
  link,
  created_at,
  read_at,
});

describe("mergeNotifications", () => {
  it("puts unread errata first, then newest first across services", () => {
    const merged = mergeNotifications([
      { source: "matching", items: [note(1, "request_accepted", "Accepted", "2026-01-03T10:00:00Z")] },
      { source: "sessions", items: [note(1, "waitlist_promoted", "Seat", "2026-01-04T10:00:00Z")] },
      { source: "feedback", items: [note(5, "erratum", "Correction", "2026-01-01T10:00:00Z", "/feedback/errata/9")] },
    ]);
    expect(merged.map((n) => n.key)).toEqual(["feedback:5", "sessions:1", "matching:1"]);
    expect(merged[0]!.erratumId).toBe(9);
  });
});

describe("<NotificationsPage>", () => {
  it("shows the erratum prominently, acknowledges it, and reports a service that is down", async () => {
    let acknowledged = false;
    const mock = mockFetch({
      ...signedInRoutes(["learner"]),
      "GET /api/sessions/notifications": () => apiError(502, "upstream_unavailable", "sessions is down"),
      "GET /api/matching/notifications": () => json([note(3, "request_accepted", "Inès accepted your request", "2026-01-03T10:00:00Z")]),
      "GET /api/feedback/notifications": () =>
        json([note(5, "erratum", "Correction: Heart murmurs", "2026-01-02T10:00:00Z", "/feedback/errata/9", acknowledged ? "2026-01-05T10:00:00Z" : null)]),
      "GET /api/feedback/errata/9/content": () =>
        json({ id: 9, flag_id: 1, topic_id: 7, topic_name: "Heart murmurs", tutor_id: "t-1", quote: "Clicks are benign", correction: "Clicks need follow-up", session_ids: ["4"], created_at: "2026-01-02T10:00:00Z" }),
      "POST /api/feedback/errata/9/acknowledge": () => {
        acknowledged = true;
        return json({ erratum_id: 9, acknowledged_at: "2026-01-05T10:00:00Z" });
      },
      "POST /api/feedback/notifications/5/read": () => json(note(5, "erratum", "Correction: Heart murmurs", "2026-01-02T10:00:00Z", "/feedback/errata/9", "2026-01-05T10:00:00Z")),
    });
    renderApp(<NotificationsPage />, { route: "/notifications" });
    const errata = await screen.findByRole("heading", { name: "1 correction to read" });
    const section = errata.closest("section")!;
    expect(await within(section).findByText("Clicks need follow-up")).toBeInTheDocument();
    expect(within(section).getByText("Clicks are benign")).toBeInTheDocument();
    expect(await screen.findByText("Inès accepted your request")).toBeInTheDocument();
    expect(await screen.findByText(/Some notifications could not be loaded \(sessions\)/)).toBeInTheDocument();

    await userEvent.setup().click(within(section).getByRole("button", { name: "I have read this correction" }));
    expect(await screen.findByRole("heading", { name: "All notifications" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "I have read this correction" })).not.toBeInTheDocument();
    expect(mock.count("POST /api/feedback/errata/9/acknowledge")).toBe(1);
    expect(mock.count("POST /api/feedback/notifications/5/read")).toBe(1);
  });
});
