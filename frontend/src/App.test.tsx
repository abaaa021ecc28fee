import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { setAccessToken } from "./api/session";
import { apiError, json, me, mockFetch, tokens } from "./test/fetchMock";
import { renderApp } from "./test/render";

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

describe("<App>", () => {
  it("restores the session from the refresh cookie and shows only the user's areas", async () => {
    const mock = mockFetch({
      "POST /api/auth/refresh": () => json(tokens("R1")),
      "GET /api/auth/me": () => json(me(["learner", "tutor"])),
    });
    renderApp(<App />, { route: "/profile" });
    expect(await screen.findByRole("heading", { level: 1, name: "Profile" })).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Main" });
    const labels = within(nav)
      .getAllByRole("link")
      .map((a) => a.textContent);
    expect(labels).toEqual(["Home", "Learn", "Teach", "Profile"]);
    expect(within(nav).getByRole("link", { name: "Profile" })).toHaveAttribute("aria-current", "page");
    expect(screen.getByText("Learner")).toBeInTheDocument();
    expect(screen.getByText("Tutor")).toBeInTheDocument();
    expect(mock.count("POST /api/auth/refresh")).toBe(1);
  });

  it("sends a visitor without a session to sign-in, keeping where they were going", async () => {
    mockFetch({ "POST /api/auth/refresh": () => apiError(401, "not_authenticated", "No refresh token") });
    renderApp(<App />, { route: "/tutor" });
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
  });

  it("lazy-loads a role area and refuses areas the user has no role for", async () => {
    mockFetch({
      "POST /api/auth/refresh": () => json(tokens("R1")),
      "GET /api/auth/me": () => json(me(["learner"])),
    });
    renderApp(<App />, { route: "/admin" });
    expect(await screen.findByRole("heading", { level: 1, name: "No access" })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole("link", { name: "Learn" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Learning" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Learning" })).toHaveFocus();
  });
});
