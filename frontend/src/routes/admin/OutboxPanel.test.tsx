import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { OutboxPanel } from "./OutboxPanel";
import { setAccessToken } from "../../api/session";
import { json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const stats = (dead: number) => ({ pending: 1, delivered: 40, dead, failing: 0, last_error: null, oldest_pending_at: "2026-11-20T09:30:00Z", oldest_pending_age_seconds: 60 });
const parked = {
  id: 5, topic: "approval.suspend", key: "erratum-3-suspend", attempts: 5, refusals: 5, state: "dead", last_error: "matching refused: 404 tutor_not_found",
  created_at: "2026-11-20T09:00:00Z", next_attempt_at: "2026-11-20T10:00:00Z", delivered_at: null, dead_at: "2026-11-20T10:00:00Z",
};

describe("<OutboxPanel>", () => {
  it("shows each service's counts, the parked messages with their last error, and replays one", async () => {
    let replayed = false;
    const mock = mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/sessions/admin/outbox": () => json(stats(0)),
      "GET /api/sessions/admin/outbox/messages": () => json([]),
      "GET /api/feedback/admin/outbox": () => json(stats(replayed ? 0 : 1)),
      "GET /api/feedback/admin/outbox/messages": () => json(replayed ? [] : [parked]),
      "POST /api/feedback/admin/outbox/messages/5/replay": () => {
        replayed = true;
        return json({ ...parked, state: "pending", dead_at: null });
      },
    });
    renderApp(<OutboxPanel />, { route: "/admin/integrations" });
    const feedback = (await screen.findByRole("heading", { name: "Feedback → matching (approval suspensions)" })).closest("section")!;
    expect(await within(feedback).findByText("matching refused: 404 tutor_not_found")).toBeInTheDocument();
    expect(within(feedback).getByText("Refused 5 times", { exact: false })).toBeInTheDocument();
    const sessions = screen.getByRole("heading", { name: "Sessions → feedback (completed sessions)" }).closest("section")!;
    expect(await within(sessions).findByText("No parked message.")).toBeInTheDocument();

    await userEvent.setup().click(within(feedback).getByRole("button", { name: "Replay" }));
    await waitFor(() => expect(within(feedback).getByText("No parked message.")).toBeInTheDocument());
    expect(mock.count("POST /api/feedback/admin/outbox/messages/5/replay")).toBe(1);
  });
});
