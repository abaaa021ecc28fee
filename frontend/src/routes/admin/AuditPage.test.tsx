import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import AuditPage from "./AuditPage";
import { setAccessToken } from "../../api/session";
import { json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const entry = (id: number, action: string, extra = {}) => ({
  id, at: "2026-11-20T09:30:00Z", actor_id: "a-1", actor_name: "Sofia Admin", action, target_type: "user", target_id: "u-9",
  summary: `${action} nadia`, details: {}, request_id: "r-1", ...extra,
});

describe("<AuditPage>", () => {
  it("lists changes with who did them and each changed field, and filters by kind of change", async () => {
    const mock = mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/admin/audit": (request) => {
        const action = new URL(request.url).searchParams.get("action");
        const items = [
          entry(3, "user.updated", {
            summary: "updated nadia: roles",
            details: { username: "nadia", changes: { roles: { from: ["learner"], to: ["learner", "tutor"] }, is_active: { from: false, to: true } } },
          }),
          entry(2, "client.revoked", { actor_id: null, actor_name: "command line", target_type: "client", details: { name: "Timetable" } }),
        ].filter((e) => !action || e.action === action);
        return json({ items, total: items.length, limit: 50, offset: 0 });
      },
    });
    renderApp(<AuditPage />, { route: "/admin/audit" });
    const [, edited, revoked] = await screen.findAllByRole("row");
    expect(screen.getAllByRole("row")).toHaveLength(3);
    expect(within(edited!).getByText("Sofia Admin")).toBeInTheDocument();
    expect(within(edited!).getByText("Account changed")).toBeInTheDocument();
    expect(within(edited!).getByText("nadia")).toBeInTheDocument();
    expect(within(edited!).getByText("Roles: Learner → Learner, Tutor")).toBeInTheDocument();
    expect(within(edited!).getByText("Status: Inactive → Active")).toBeInTheDocument();
    expect(within(revoked!).getByText("Timetable")).toBeInTheDocument();
    expect(within(revoked!).getByText("Command line (setup)")).toBeInTheDocument();

    await userEvent.setup().selectOptions(screen.getByLabelText("Change"), "Machine client revoked");
    await waitFor(() => expect(screen.getAllByRole("row")).toHaveLength(2));
    expect(screen.getByText("Machine client revoked", { selector: "td" })).toBeInTheDocument();
    expect(mock.calls.filter((c) => c.path === "/api/admin/audit")).toHaveLength(2);
  });
});
