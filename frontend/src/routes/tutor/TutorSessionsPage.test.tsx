import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import TutorSessionsPage from "./TutorSessionsPage";
import { setAccessToken } from "../../api/session";
import { json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes, topic } from "../../test/screens";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

describe("<TutorSessionsPage>", () => {
  it("lists the timetable items a new session clashes with (409 timetable_clash)", async () => {
    mockFetch({
      ...signedInRoutes(["tutor"]),
      "GET /api/matching/topics": () => json([topic(7, "Heart murmurs")]),
      "GET /api/sessions/sessions": () => json([]),
      "POST /api/sessions/sessions": () =>
        json(
          {
            status: 409, code: "timetable_clash", message: "This overlaps 1 item(s)", request_id: "r", details: [],
            clashes: [{ kind: "lecture", title: "Cardiology lecture", starts_at: "2026-03-04T09:00:00Z", ends_at: "2026-03-04T11:00:00Z", source: "timetable", user_id: "u-1" }],
          },
          409,
        ),
    });
    renderApp(<TutorSessionsPage />, { route: "/tutor/sessions" });
    const user = userEvent.setup();
    await screen.findByRole("option", { name: "Heart murmurs" });
    await user.selectOptions(screen.getByLabelText("Topic"), "7");
    fireEvent.change(screen.getByLabelText("Starts"), { target: { value: "2030-03-04T10:00" } });
    fireEvent.change(screen.getByLabelText("Ends"), { target: { value: "2030-03-04T11:00" } });
    await user.type(screen.getByLabelText("Place"), "Room 2");
    await user.click(screen.getByRole("button", { name: "Create session" }));
    expect(await screen.findByText("This time clashes with:")).toBeInTheDocument();
    expect(screen.getByText("Cardiology lecture")).toBeInTheDocument();
    expect(screen.getByText(/Lecture/)).toBeInTheDocument();
  });
});
