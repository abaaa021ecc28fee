import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import RunsPage from "./RunsPage";
import { setAccessToken } from "../../api/session";
import { json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes, topic } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const run = (status: string, progress: number, extra = {}) => ({
  id: 3, cohort: "Y3", topic_ids: [7], mode: "optimal", proposing: null, status, progress,
  created_at: "2026-01-01T10:00:00Z", started_at: null, finished_at: null, published_at: null, rolled_back_at: null, error: null,
  totals: null, result: null, ...extra,
});

describe("<RunsPage>", () => {
  it("starts a dry run, shows its progress, then the result with reasons, and publishes it", async () => {
    let polls = 0;
    const done = run("done", 100, {
      result: {
        pairs: [{ learner_id: "l-1", tutor_id: "t-1", topic_id: 7, score: 0.8, breakdown: { topic_fit: 1, stage_gap: 1, shared_free_time: 0.5, format: 1, language: 1, load: 1, quality: null } }],
        unmatched: [{ learner_id: "l-2", topic_id: 7, reason: "no eligible tutor" }],
        totals: { pairs: 1, total_score: 0.8, unmatched: 1 },
      },
    });
    const mock = mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/matching/topics": () => json([topic(7, "Heart murmurs")]),
      "GET /api/matching/runs": () => json([]),
      "GET /api/users/lookup": () => json([{ id: "l-2", username: "lina", full_name: "Lina Learner" }]),
      "POST /api/matching/runs": () => json(run("queued", 0), 202),
      "GET /api/matching/runs/3": () => {
        polls += 1;
        return json(polls < 2 ? run("running", 40) : done);
      },
      "POST /api/matching/runs/3/publish": () => json({ ...done, status: "published", published_at: "2026-01-01T10:05:00Z" }),
    });
    renderApp(<RunsPage />, { route: "/admin/runs" });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Cohort"), "Y3");
    await user.click(await screen.findByRole("checkbox", { name: "Heart murmurs" }));
    await user.click(screen.getByRole("button", { name: "Start dry run" }));
    expect(await screen.findByRole("progressbar", { name: "Matching in progress" })).toBeInTheDocument();
    expect(await screen.findByText("Dry run ready", {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByText("no eligible tutor")).toBeInTheDocument();
    expect(await screen.findByRole("cell", { name: "Lina Learner" })).toBeInTheDocument();
    expect(screen.getByText("1 learner left unmatched")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Publish and notify" }));
    expect(await screen.findByRole("button", { name: "Roll back" })).toBeInTheDocument();
    expect(JSON.parse(mock.calls.find((c) => c.method === "POST" && c.path === "/api/matching/runs")!.body!)).toEqual({
      cohort: "Y3",
      topic_ids: [7],
      mode: "optimal",
      proposing: null,
    });
  });
});
