import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FeedsPanel } from "./FeedsPanel";
import IntegrationsPage from "./IntegrationsPage";
import { setAccessToken } from "../../api/session";
import { apiError, json, mockFetch } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { signedInRoutes } from "../../test/screens";
import i18n from "../../i18n";

beforeEach(() => setAccessToken(null));
afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

const feed = (id: number, extra = {}) => ({
  id,
  name: "Year 3 lectures",
  url: "https://timetable.example.org/y3.ics",
  owner: { type: "cohort", id: "Y3" },
  status: "pending",
  etag: null,
  last_fetched_at: null,
  last_success_at: null,
  last_error: null,
  event_count: 0,
  warnings: [],
  ...extra,
});

async function fillForm(user: ReturnType<typeof userEvent.setup>, url = "https://timetable.example.org/y3.ics") {
  await user.type(await screen.findByLabelText("Name"), "Year 3 lectures");
  await user.type(screen.getByLabelText("Feed address (URL)"), url);
  await user.selectOptions(screen.getByLabelText("Whose timetable is it?"), "cohort");
  await user.type(screen.getByLabelText("Cohort"), "Y3");
}

describe("<FeedsPanel>", () => {
  it("registers a feed with an Idempotency-Key and shows it in the list", async () => {
    let list: unknown[] = [];
    const keys: (string | null)[] = [];
    const mock = mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/sessions/feeds": () => json(list),
      "POST /api/sessions/feeds": (request) => {
        keys.push(request.headers.get("Idempotency-Key"));
        list = [feed(4)];
        return json(feed(4), 201);
      },
    });
    renderApp(<FeedsPanel />, { route: "/admin/integrations" });
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByText("No feed registered.")).toBeInTheDocument();
    await fillForm(user);
    await user.click(screen.getByRole("button", { name: "Register feed" }));

    expect(await screen.findByRole("heading", { level: 3, name: "Year 3 lectures" })).toBeInTheDocument();
    expect(screen.getByText(/Feed “Year 3 lectures” registered/)).toBeInTheDocument();
    expect(screen.getByText("Cohort Y3")).toBeInTheDocument();
    expect(screen.getByText("Pending")).toBeInTheDocument();
    const sent = mock.calls.find((c) => c.method === "POST" && c.path === "/api/sessions/feeds");
    expect(JSON.parse(sent!.body!)).toEqual({
      name: "Year 3 lectures",
      url: "https://timetable.example.org/y3.ics",
      owner: { type: "cohort", id: "Y3" },
    });
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/\S{8,}/);
    // The form is emptied for the next feed.
    expect(screen.getByLabelText("Name")).toHaveValue("");
  }, 15_000);

  it("checks required fields before sending anything", async () => {
    const mock = mockFetch({ ...signedInRoutes(["admin"]), "GET /api/sessions/feeds": () => json([]) });
    renderApp(<FeedsPanel />, { route: "/admin/integrations" });
    const user = userEvent.setup({ delay: null });
    await screen.findByText("No feed registered.");
    await user.type(screen.getByLabelText("Feed address (URL)"), "ftp://x.example.org/a.ics");
    await user.click(screen.getByRole("button", { name: "Register feed" }));

    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(expect.stringContaining("This field is required."));
    expect(screen.getByLabelText("Name")).toHaveFocus();
    expect(screen.getByLabelText("Feed address (URL)")).toHaveAccessibleDescription(
      expect.stringContaining("Enter an address starting with http:// or https://."),
    );
    expect(screen.getByLabelText("Cohort")).toHaveAccessibleDescription(expect.stringContaining("This field is required."));
    expect(mock.count("POST /api/sessions/feeds")).toBe(0);
  });

  it("shows an API validation error on body.url next to the URL field, and reuses the key when the same data is sent again", async () => {
    const keys: (string | null)[] = [];
    mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/sessions/feeds": () => json([]),
      "POST /api/sessions/feeds": (request) => {
        keys.push(request.headers.get("Idempotency-Key"));
        return apiError(422, "validation_error", "body.url: Value error, must be an http:// or https:// URL", [
          { field: "body.url", code: "value_error", message: "Value error, must be an http:// or https:// URL" },
        ]);
      },
    });
    renderApp(<FeedsPanel />, { route: "/admin/integrations" });
    const user = userEvent.setup({ delay: null });
    await screen.findByText("No feed registered.");
    await fillForm(user, "https://timetable.example.org/y3.ics");
    await user.click(screen.getByRole("button", { name: "Register feed" }));

    const url = screen.getByLabelText("Feed address (URL)");
    await vi.waitFor(() => expect(url).toHaveAttribute("aria-invalid", "true"));
    expect(url).toHaveAccessibleDescription(expect.stringContaining("Enter an address starting with http:// or https://."));
    expect(url).toHaveFocus();
    // The field claims the error: no generic alert above the form.
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Name")).not.toHaveAttribute("aria-invalid");

    await user.click(screen.getByRole("button", { name: "Register feed" }));
    await vi.waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).toBe(keys[0]);

    await user.type(url, "?v=2");
    await user.click(screen.getByRole("button", { name: "Register feed" }));
    await vi.waitFor(() => expect(keys).toHaveLength(3));
    expect(keys[2]).not.toBe(keys[0]);
  }, 15_000);

  it("refreshes a feed with a busy state and shows the new status and the import error", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/sessions/feeds": () => json([feed(4, { status: "ok", event_count: 12, last_success_at: "2026-01-05T08:00:00Z", last_fetched_at: "2026-01-05T08:00:00Z" })]),
      "POST /api/sessions/feeds/4/refresh": async () => {
        await gate;
        return json(
          feed(4, {
            status: "error",
            event_count: 12,
            last_success_at: "2026-01-05T08:00:00Z",
            last_fetched_at: "2026-01-06T08:00:00Z",
            last_error: { line: 42, reason: "VEVENT has no DTSTART" },
          }),
        );
      },
    });
    renderApp(<FeedsPanel />, { route: "/admin/integrations" });
    const user = userEvent.setup({ delay: null });
    const card = (await screen.findByRole("heading", { level: 3, name: "Year 3 lectures" })).closest("li")!;
    expect(within(card).getByText("OK")).toBeInTheDocument();
    expect(within(card).getByText("12")).toBeInTheDocument();

    await user.click(within(card).getByRole("button", { name: /^Refresh now\s*Year 3 lectures$/ }));
    const busy = await within(card).findByRole("button", { name: /^Refreshing…\s*Year 3 lectures$/ });
    expect(busy).toHaveAttribute("aria-disabled", "true");
    expect(card).toHaveAttribute("aria-busy", "true");
    release();

    expect(await within(card).findByText("Error")).toBeInTheDocument();
    expect(within(card).getByText("The file is not a valid iCalendar feed (problem at line 42).")).toBeInTheDocument();
    expect(within(card).getByText("VEVENT has no DTSTART")).toBeInTheDocument();
    expect(within(card).getByRole("status")).toHaveTextContent("“Year 3 lectures” could not be imported; its previous events are kept.");
    expect(within(card).getByRole("button", { name: /^Refresh now\s*Year 3 lectures$/ })).not.toHaveAttribute("aria-disabled");
  });

  it("shows a successful refresh in French", async () => {
    await i18n.changeLanguage("fr");
    mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/sessions/feeds": () => json([feed(4, { status: "error", last_error: { line: null, reason: "the server answered HTTP 404" } })]),
      "POST /api/sessions/feeds/4/refresh": () => json(feed(4, { status: "ok", event_count: 3, last_success_at: "2026-01-06T08:00:00Z", last_fetched_at: "2026-01-06T08:00:00Z" })),
    });
    renderApp(<FeedsPanel />, { route: "/admin/integrations" });
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByText("Le serveur a répondu par l’erreur 404.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /^Actualiser maintenant\s*Year 3 lectures$/ }));
    expect(await screen.findByText(/3 événements importés/)).toBeInTheDocument();
    expect(screen.getByText("OK")).toBeInTheDocument();
    expect(screen.queryByText("Le serveur a répondu par l’erreur 404.")).not.toBeInTheDocument();
  });

  it("removes a feed only after confirmation", async () => {
    let list = [feed(4, { event_count: 5 })];
    const mock = mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/sessions/feeds": () => json(list),
      "DELETE /api/sessions/feeds/4": () => {
        list = [];
        return new Response(null, { status: 204 });
      },
    });
    renderApp(<FeedsPanel />, { route: "/admin/integrations" });
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole("button", { name: /^Remove\s*Year 3 lectures$/ }));
    const confirm = screen.getByRole("group", { name: "Remove the feed “Year 3 lectures”?" });
    expect(within(confirm).getByText(/The events it imported \(5\)/)).toBeInTheDocument();
    expect(within(confirm).getByRole("button", { name: "Cancel" })).toHaveFocus();

    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("button", { name: /^Remove\s*Year 3 lectures$/ })).toHaveFocus();
    expect(mock.count("DELETE /api/sessions/feeds/4")).toBe(0);

    await user.click(screen.getByRole("button", { name: /^Remove\s*Year 3 lectures$/ }));
    await user.click(screen.getByRole("button", { name: "Yes, remove" }));
    expect(await screen.findByText("Feed “Year 3 lectures” removed.")).toBeInTheDocument();
    expect(await screen.findByText("No feed registered.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Timetable feeds" })).toHaveFocus();
    expect(mock.count("DELETE /api/sessions/feeds/4")).toBe(1);
  });
});

describe("<IntegrationsPage>", () => {
  it("shows the feeds panel with its headings in order", async () => {
    mockFetch({
      ...signedInRoutes(["admin"]),
      "GET /api/admin/clients": () => json({ items: [], total: 0, limit: 200, offset: 0 }),
      "GET /api/admin/clients/scopes": () => json([]),
      "GET /api/sessions/feeds": () => json([feed(4)]),
      "GET /api/sessions/webhooks/endpoints": () => json([]),
      "GET /api/matching/exclusions": () => json([]),
    });
    renderApp(<IntegrationsPage />, { route: "/admin/integrations" });
    await screen.findByRole("heading", { level: 3, name: "Year 3 lectures" });
    const levels = screen.getAllByRole("heading").map((h) => Number(h.tagName.slice(1)));
    levels.reduce((previous, level) => {
      expect(level - previous).toBeLessThanOrEqual(1);
      return level;
    }, 0);
    expect(screen.getByRole("heading", { level: 3, name: "Register a feed" })).toBeInTheDocument();
  });
});
