import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import FindTutorPage from "./FindTutorPage";
import { setAccessToken } from "../../api/session";
import { apiError, json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes, topic } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const suggestions = {
  topic_id: 7,
  suggestions: [
    {
      tutor_id: "t-1",
      display_name: "Inès Moreau",
      stage: 5,
      score: 0.82,
      breakdown: { topic_fit: 1, stage_gap: 0.9, shared_free_time: null, format: 1, language: 1, load: 0.5, quality: 0.75 },
    },
  ],
  missing_criteria: ["shared_free_time"],
  missing_reasons: [{ criterion: "shared_free_time", reason: "the sessions service did not answer" }],
};

function render(extra = {}) {
  const mock = mockFetch({
    ...signedInRoutes(["learner"]),
    "GET /api/matching/topics": () => json([topic(7, "Heart murmurs")]),
    "GET /api/matching/requests": () => json([]),
    "GET /api/matching/suggestions": () => json(suggestions),
    ...extra,
  });
  renderApp(
    <Routes>
      <Route path="/learner/find" element={<FindTutorPage />} />
    </Routes>,
    { route: "/learner/find?topic=7" },
  );
  return mock;
}

describe("<FindTutorPage>", () => {
  it("shows suggestions with the score breakdown and says which criterion is missing and why", async () => {
    render();
    const card = (await screen.findByRole("heading", { name: "Inès Moreau" })).closest("li")!;
    expect(within(card).getByLabelText("Match score 82 out of 100")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Some criteria could not be checked right now (Shared free time)");
    expect(within(card).getByText("Topic fit")).toBeInTheDocument();
    expect(within(card).getByText("90%")).toBeInTheDocument();
    expect(within(card).getByText("Not available: the sessions service did not answer")).toBeInTheDocument();
  });

  it("sends a request with the message and confirms it", async () => {
    const mock = render({
      "POST /api/matching/requests": () =>
        json({ id: 1, learner_id: "u-1", tutor_id: "t-1", topic_id: 7, message: "Hi", status: "pending", created_at: "2026-01-01T10:00:00Z", expires_at: "2026-01-04T10:00:00Z", responded_at: null, pairing_id: null }, 201),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Ask Inès Moreau" }));
    await user.type(screen.getByLabelText(/Message to the tutor/), "Hi");
    await user.click(screen.getByRole("button", { name: "Send request" }));
    expect(await screen.findByText("Request sent. You’ll be notified when the tutor answers.")).toBeInTheDocument();
    const sent = mock.calls.find((c) => c.method === "POST" && c.path === "/api/matching/requests");
    expect(JSON.parse(sent!.body!)).toEqual({ tutor_id: "t-1", topic_id: 7, message: "Hi" });
  });

  it("shows a field error from the API next to the field, in the user's language", async () => {
    render({
      "POST /api/matching/requests": () =>
        apiError(422, "validation_error", "Invalid input", [{ field: "body.message", code: "string_too_long", message: "String should have at most 2000 characters" }]),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Ask Inès Moreau" }));
    await user.type(screen.getByLabelText(/Message to the tutor/), "x");
    await user.click(screen.getByRole("button", { name: "Send request" }));
    expect(await screen.findByText("This is too long.")).toBeInTheDocument();
    expect(screen.getByLabelText(/Message to the tutor/)).toHaveAttribute("aria-invalid", "true");
  });

  it("asks for the learner profile first when there is none", async () => {
    render({ "GET /api/matching/suggestions": () => apiError(404, "learner_profile_not_found", "No learner profile") });
    expect(await screen.findByRole("link", { name: "Complete your learner profile" })).toHaveAttribute("href", "/learner/profile");
  });
});
