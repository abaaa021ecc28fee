import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import LearnerProfilePage from "./LearnerProfilePage";
import { setAccessToken } from "../../api/session";
import { apiError, json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes, topic } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

describe("<LearnerProfilePage>", () => {
  it("onboards a new learner: stage, topic with priority, formats, languages; then goes to find a tutor", async () => {
    const mock = mockFetch({
      ...signedInRoutes(["learner"]),
      "GET /api/matching/learners/me": () => apiError(404, "learner_profile_not_found", "No profile"),
      "GET /api/matching/topics": () => json([topic(7, "Heart murmurs"), topic(8, "ECG")]),
      "PUT /api/matching/learners/me": (request) => request.json().then((body) => json({ ...body, user_id: "u-1", updated_at: "2026-01-01T10:00:00Z" })),
    });
    renderApp(
      <Routes>
        <Route path="/learner/profile" element={<LearnerProfilePage />} />
        <Route path="/learner/find" element={<h1>Find page</h1>} />
      </Routes>,
      { route: "/learner/profile" },
    );
    const user = userEvent.setup();
    expect(await screen.findByRole("heading", { name: "Welcome! Tell us about you" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByText("This field is required.")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Where you are in your studies"), "3");
    await screen.findByRole("option", { name: "ECG" });
    await user.selectOptions(screen.getByLabelText("Add a topic"), "8");
    await user.click(screen.getByRole("button", { name: "Add" }));
    await user.selectOptions(screen.getByLabelText("Priority for ECG (5 = most wanted)"), "5");
    await user.click(screen.getByRole("checkbox", { name: "Group, in person" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { name: "Find page" })).toBeInTheDocument();
    const body = JSON.parse(mock.calls.find((c) => c.method === "PUT")!.body!);
    expect(body).toMatchObject({ stage: 3, formats: ["group_in_person"], languages: ["fr"], topics: [{ topic_id: 8, priority: 5 }], display_name: "Amina Diallo" });
  });
});
