import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import FlagQueuePage, { sortFlags } from "./FlagQueuePage";
import type { Flag } from "../../api/feedback";
import { setAccessToken } from "../../api/session";
import { json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes, topic } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

const flag = (id: number, overdue: boolean, created_at: string): Flag => ({
  id,
  session_id: "4",
  topic_id: 7,
  flagger_id: "u-9",
  flagger_name: "Lina",
  quote: `Statement ${id}`,
  source: null,
  comment: null,
  status: "open",
  created_at,
  due_at: "2026-01-03T10:00:00Z",
  age_hours: 30,
  overdue,
  reviewed_by: null,
  reviewed_at: null,
  review_note: null,
  erratum_id: null,
});

describe("<FlagQueuePage>", () => {
  it("sorts overdue flags first, then oldest", () => {
    const sorted = sortFlags([flag(1, false, "2026-01-01T00:00:00Z"), flag(2, true, "2026-01-02T00:00:00Z"), flag(3, false, "2025-12-31T00:00:00Z")]);
    expect(sorted.map((f) => f.id)).toEqual([2, 3, 1]);
  });

  it("confirms a flag with a correction and shows who has not acknowledged yet, by name", async () => {
    const erratum = {
      id: 9, flag_id: 1, topic_id: 7, topic_name: "Heart murmurs", tutor_id: "t-1", quote: "Statement 1", correction: "The right statement",
      session_ids: ["4"], created_at: "2026-01-02T10:00:00Z", suspend_tutor: false,
      recipients: [
        { user_id: "u-7", display_name: null, role: "attendee", acknowledged_at: null },
        { user_id: "u-9", display_name: "Lina Haddad", role: "attendee", acknowledged_at: null },
        { user_id: "t-1", display_name: "Inès Moreau", role: "tutor", acknowledged_at: "2026-01-02T11:00:00Z" },
      ],
      pending: ["u-7", "u-9"],
    };
    let open = [flag(1, true, "2026-01-01T00:00:00Z")];
    const mock = mockFetch({
      ...signedInRoutes(["supervisor"]),
      "GET /api/matching/topics": () => json([topic(7, "Heart murmurs")]),
      "GET /api/feedback/flags": () => json(open),
      "GET /api/feedback/errata/9": () => json(erratum),
      "POST /api/feedback/flags/1/confirm": () => {
        open = []; // the flag leaves the open queue
        return json(erratum, 201);
      },
    });
    renderApp(<FlagQueuePage />, { route: "/supervisor/flags" });
    const card = (await screen.findByText("Statement 1")).closest("li")!;
    expect(within(card).getByText("Overdue")).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(within(card).getByRole("button", { name: "Confirm and send an erratum" }));
    await user.type(within(card).getByLabelText("Correction"), "The right statement");
    await user.click(within(card).getByRole("button", { name: "Send erratum" }));
    const sentSection = (await screen.findByRole("heading", { name: "Just sent" })).closest("section")!;
    expect(await within(sentSection).findByText("1 of 3 have acknowledged.")).toBeInTheDocument();
    expect(within(sentSection).getByText("2 have not acknowledged yet")).toBeInTheDocument();
    // Names, not user ids (the id only when the name is unknown); who acknowledged is not listed.
    expect(within(sentSection).getByText("Lina Haddad (attendee)")).toBeInTheDocument();
    expect(within(sentSection).getByText("u-7 (attendee)")).toBeInTheDocument();
    expect(within(sentSection).queryByText(/u-9|Inès Moreau/)).not.toBeInTheDocument();
    expect(await screen.findByText("Nothing here.")).toBeInTheDocument();
    const sent = mock.calls.find((c) => c.path === "/api/feedback/flags/1/confirm");
    expect(JSON.parse(sent!.body!)).toEqual({ correction: "The right statement", suspend_tutor: false, reason: null, session_ids: ["4"] });
  });
});
