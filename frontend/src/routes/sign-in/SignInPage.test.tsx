import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import i18n from "../../i18n";
import { setAccessToken } from "../../api/session";
import { apiError, json, me, mockFetch, tokens } from "../../test/fetchMock";
import { renderApp } from "../../test/render";
import { SignInPage } from "./SignInPage";

function renderSignIn() {
  return renderApp(
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/" element={<p>Home screen</p>} />
    </Routes>,
    { route: "/sign-in" },
  );
}

const noSession = { "POST /api/auth/refresh": () => apiError(401, "not_authenticated", "No refresh token") };

beforeEach(() => setAccessToken(null));
afterEach(async () => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
  await i18n.changeLanguage("en");
});

describe("<SignInPage>", () => {
  it("shows a server validation error next to the field it concerns", async () => {
    mockFetch({
      ...noSession,
      "POST /api/auth/login": () =>
        apiError(422, "validation_error", "body.username: Field required", [
          { field: "body.username", code: "missing", message: "Field required" },
        ]),
    });
    renderSignIn();
    const user = userEvent.setup();
    const username = await screen.findByLabelText("Username");
    // The client-side check passes; the server still rejects the field.
    await user.type(username, "x");
    await user.type(screen.getByLabelText("Password"), "secret");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const message = await screen.findByText("This field is required.");
    expect(username).toHaveAttribute("aria-invalid", "true");
    expect(username).toHaveAccessibleDescription(/This field is required\./);
    expect(username).toHaveFocus();
    expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");
    expect(message.closest(".field")).toContainElement(username);
  });

  it("falls back to the server's message for codes without a translation", async () => {
    mockFetch({
      ...noSession,
      "POST /api/auth/login": () =>
        apiError(422, "validation_error", "bad", [
          { field: "body.password", code: "password_policy", message: "String should have at least 8 characters" },
        ]),
    });
    renderSignIn();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Username"), "amina");
    await user.type(screen.getByLabelText("Password"), "short");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("String should have at least 8 characters")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
  });

  it("checks required fields before calling the server", async () => {
    const mock = mockFetch(noSession);
    renderSignIn();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(screen.getByText("Enter your username.")).toBeInTheDocument();
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    expect(screen.getByLabelText("Username")).toHaveFocus();
    expect(mock.count("POST /api/auth/login")).toBe(0);
  });

  it("shows wrong credentials as a form error, in the chosen language", async () => {
    mockFetch({
      ...noSession,
      "POST /api/auth/login": () => apiError(401, "invalid_credentials", "Invalid username or password"),
    });
    renderSignIn();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /FR/ }));
    expect(await screen.findByRole("heading", { name: "Connexion" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("Identifiant"), "amina");
    await user.type(screen.getByLabelText("Mot de passe"), "wrong");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Identifiant ou mot de passe incorrect");
  });

  it("signs in and goes on to the app", async () => {
    const mock = mockFetch({
      ...noSession,
      "POST /api/auth/login": () => json(tokens("A1")),
      "GET /api/auth/me": () => json(me(["learner", "tutor"])),
    });
    renderSignIn();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Username"), "  amina ");
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Home screen")).toBeInTheDocument();
    const login = mock.calls.find((c) => c.path === "/api/auth/login");
    expect(JSON.parse(login!.body!)).toEqual({ username: "amina", password: "correct horse" });
    await waitFor(() => expect(mock.calls.find((c) => c.path === "/api/auth/me")?.auth).toBe("Bearer A1"));
  });
});
