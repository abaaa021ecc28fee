import type { Page, Route } from "@playwright/test";

export type Role = "learner" | "tutor" | "supervisor" | "admin";

export interface MockUser {
  username: string;
  password: string;
  full_name: string;
  email: string;
  roles: Role[];
}

export const DEFAULT_USER: MockUser = {
  username: "amina",
  password: "correct horse",
  full_name: "Amina Diallo",
  email: "amina.diallo@faculte.example",
  roles: ["learner", "tutor"],
};

const json = (route: Route, status: number, body: unknown) =>
  route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

const error = (route: Route, status: number, code: string, message: string, details?: unknown[]) =>
  json(route, status, { status, code, message, request_id: "e2e", details: details ?? [] });

/**
 * A tiny in-page stand-in for the gateway's auth API, enough for smoke tests
 * of the built SPA: login/refresh/logout/me with the same shapes and errors.
 */
export type MockRoutes = Record<string, (body: unknown) => { status?: number; body: unknown }>;

export async function mockAuthApi(page: Page, user: MockUser = DEFAULT_USER, extra: MockRoutes = {}) {
  const state = { signedIn: false, access: 0 };
  const tokens = () => {
    state.access += 1;
    return { access_token: `access-${state.access}`, refresh_token: "opaque", token_type: "bearer", expires_in: 900 };
  };

  await page.route("**/api/**", async (route) => {
    const req = route.request();
    const path = new URL(req.url()).pathname;
    const key = `${req.method()} ${path}`;

    switch (key) {
      case "POST /api/auth/login": {
        const body = (req.postDataJSON() ?? {}) as { username?: string; password?: string };
        const details = (["username", "password"] as const)
          .filter((f) => !body[f])
          .map((f) => ({ field: `body.${f}`, code: "missing", message: "Field required" }));
        if (details.length) return error(route, 422, "validation_error", "Invalid input", details);
        if (body.username !== user.username || body.password !== user.password) {
          return error(route, 401, "invalid_credentials", "Invalid username or password");
        }
        state.signedIn = true;
        return json(route, 200, tokens());
      }
      case "POST /api/auth/refresh":
        if (!state.signedIn) return error(route, 401, "not_authenticated", "No refresh token");
        return json(route, 200, tokens());
      case "POST /api/auth/logout":
        state.signedIn = false;
        return route.fulfill({ status: 204 });
      case "GET /api/auth/me": {
        const auth = req.headers()["authorization"] ?? "";
        if (!state.signedIn || auth !== `Bearer access-${state.access}`) {
          return error(route, 401, "not_authenticated", "Authentication required");
        }
        const { password: _password, ...profile } = user;
        return json(route, 200, { id: 1, is_active: true, ...profile });
      }
      default: {
        const handler = extra[key];
        if (handler && state.signedIn) {
          const { status = 200, body } = handler(req.postDataJSON());
          return json(route, status, body);
        }
        if (key.endsWith("/notifications") && req.method() === "GET") return json(route, 200, []);
        return error(route, 404, "not_found", `No mock for ${key}`);
      }
    }
  });
  return state;
}
