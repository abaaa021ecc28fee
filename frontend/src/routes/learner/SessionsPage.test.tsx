import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import SessionsPage from "./SessionsPage";
import { setAccessToken } from "../../api/session";
import { apiError, json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const session = (id: number, booked: number, capacity: number, state = "open") => ({
  id, uid: `u${id}`, topic_id: 7, topic_name: `Topic ${id}`, format: "group", place: "Room 2", online_url: null, capacity, plan: null, cohort: null,
  starts_at: "2030-01-01T10:00:00Z", ends_at: "2030-01-01T11:00:00Z", state, booked, waitlisted: 0, sequence: 0,
  tutors: [{ user_id: "t-1", display_name: "Inès Moreau" }], override_reason: null, cancelled_reason: null,
  created_at: "2026-01-01T10:00:00Z", updated_at: "2026-01-01T10:00:00Z", completed_at: null,
});

describe("<SessionsPage>", () => {
  it("books a seat, offers the waitlist when full, and cancels a booking by its id", async () => {
    let bookings: object[] = [];
    const mock = mockFetch({
      ...signedInRoutes(["learner"]),
      "GET /api/sessions/sessions": () => json([session(1, 2, 8), session(2, 4, 4, "full"), session(3, 0, 4, "draft")]),
      "GET /api/sessions/bookings/me": () => json(bookings),
      "GET /api/matching/learners/me": () => apiError(404, "learner_profile_not_found", "No profile"),
      "POST /api/sessions/sessions/1/bookings": () => {
        bookings = [{ id: 11, session_id: 1, learner_id: "u-1", learner_name: "Amina", status: "booked", waitlist_position: null, attended: null, override_reason: null, created_at: "2026-01-01T10:00:00Z" }];
        return json(bookings[0], 201);
      },
      "POST /api/sessions/bookings/11/cancel": () => {
        bookings = [];
        return json({ id: 11, status: "cancelled" });
      },
    });
    renderApp(<SessionsPage />, { route: "/learner/sessions" });
    const first = (await screen.findByRole("heading", { name: "Topic 1" })).closest("li")!;
    const full = screen.getByRole("heading", { name: "Topic 2" }).closest("li")!;
    expect(screen.queryByRole("heading", { name: "Topic 3" })).not.toBeInTheDocument();
    expect(within(full).getByRole("button", { name: "Join the waitlist" })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(within(first).getByRole("button", { name: "Book a seat" }));
    expect(await within(first).findByText("You’re booked")).toBeInTheDocument();
    expect(mock.calls.find((c) => c.path === "/api/sessions/sessions/1/bookings")).toBeDefined();
    await user.click(within(first).getByRole("button", { name: "Cancel my booking" }));
    expect(await within(first).findByRole("button", { name: "Book a seat" })).toBeInTheDocument();
    expect(mock.count("POST /api/sessions/bookings/11/cancel")).toBe(1);
  });

  it("filters the list by topic, with the learner's own topics as one choice", async () => {
    const withTopic = (id: number, topicId: number, name: string) => ({ ...session(id, 0, 8), topic_id: topicId, topic_name: name });
    mockFetch({
      ...signedInRoutes(["learner"]),
      "GET /api/sessions/sessions": () => json([withTopic(1, 7, "ECG"), withTopic(2, 8, "Murmurs"), withTopic(3, 9, "Sutures")]),
      "GET /api/sessions/bookings/me": () => json([]),
      "GET /api/matching/learners/me": () =>
        json({ user_id: "u-1", display_name: "Amina", stage: 2, topics: [{ topic_id: 8, priority: 5 }, { topic_id: 9, priority: 3 }], updated_at: "2026-01-01T10:00:00Z" }),
    });
    renderApp(<SessionsPage />, { route: "/learner/sessions" });
    await screen.findByRole("heading", { name: "ECG" });
    const user = userEvent.setup();
    const filter = await screen.findByLabelText("Topic");
    await user.selectOptions(filter, "My topics");
    expect(screen.queryByRole("heading", { name: "ECG" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Murmurs" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Sutures" })).toBeInTheDocument();
    await user.selectOptions(filter, "Sutures");
    expect(screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent)).toEqual(["Sutures"]);
    await user.selectOptions(filter, "All topics");
    expect(screen.getAllByRole("heading", { level: 2 })).toHaveLength(3);
  });
});
