import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, authFetch } from "./client";
import { ApiError, unwrap } from "./errors";
import { getAccessToken, onSessionExpired, refreshSession, setAccessToken } from "./session";
import { apiError, json, me, mockFetch, tokens } from "../test/fetchMock";

beforeEach(() => {
  setAccessToken(null);
  onSessionExpired(null);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("authenticated client", () => {
  it("attaches the in-memory access token as a bearer token", async () => {
    setAccessToken("A1");
    const mock = mockFetch({ "GET /api/auth/me": () => json(me()) });
    const user = await unwrap(api.GET("/api/auth/me"));
    expect(user.username).toBe("amina");
    expect(mock.calls[0]?.auth).toBe("Bearer A1");
  });

  it("on 401 refreshes once from the cookie, then replays the request with the new token", async () => {
    setAccessToken("expired");
    const mock = mockFetch({
      "GET /api/auth/me": (req) =>
        req.headers.get("Authorization") === "Bearer A2" ? json(me()) : apiError(401, "token_expired", "Token expired"),
      "POST /api/auth/refresh": () => json(tokens("A2")),
    });
    const user = await unwrap(api.GET("/api/auth/me"));
    expect(user.full_name).toBe("Amina Diallo");
    expect(mock.count("POST /api/auth/refresh")).toBe(1);
    expect(mock.calls.map((c) => c.auth)).toEqual(["Bearer expired", null, "Bearer A2"]);
    // The refresh relies on the HttpOnly cookie: no token in the body, nothing stored.
    expect(mock.calls[1]?.body ?? "").toBe("");
    expect(getAccessToken()).toBe("A2");
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  it("replays the request body of a non-GET request after refreshing", async () => {
    setAccessToken("expired");
    let attempts = 0;
    const mock = mockFetch({
      "POST /api/auth/refresh": () => json(tokens("A2")),
      "POST /api/notes": async (req) =>
        ++attempts === 1 ? apiError(401, "token_expired", "Token expired") : json({ echoed: await req.text() }),
    });
    const res = await authFetch(
      new Request(`${window.location.origin}/api/notes`, { method: "POST", body: JSON.stringify({ text: "hello" }) }),
    );
    expect(await res.json()).toEqual({ echoed: '{"text":"hello"}' });
    expect(mock.calls.filter((c) => c.path === "/api/notes").map((c) => c.auth)).toEqual(["Bearer expired", "Bearer A2"]);
  });

  it("deduplicates the refresh across concurrent requests that all get 401", async () => {
    setAccessToken("expired");
    let releaseRefresh!: () => void;
    const refreshGate = new Promise<void>((r) => (releaseRefresh = r));
    const mock = mockFetch({
      "GET /api/auth/me": (req) =>
        req.headers.get("Authorization") === "Bearer A2" ? json(me()) : apiError(401, "token_expired", "Token expired"),
      "POST /api/auth/refresh": async () => {
        await refreshGate;
        return json(tokens("A2"));
      },
    });
    const all = Promise.all([1, 2, 3, 4, 5].map(() => unwrap(api.GET("/api/auth/me"))));
    await vi.waitFor(() => expect(mock.count("POST /api/auth/refresh")).toBe(1));
    releaseRefresh();
    const users = await all;
    expect(users).toHaveLength(5);
    expect(mock.count("POST /api/auth/refresh")).toBe(1);
    expect(mock.count("GET /api/auth/me")).toBe(10);
  });

  it("does not refresh again when another request already renewed the token", async () => {
    setAccessToken("old");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const mock = mockFetch({
      "GET /api/auth/me": async (req) => {
        if (req.headers.get("Authorization") === "Bearer new") return json(me());
        await gate; // the 401 arrives late, after the token was renewed elsewhere
        return apiError(401, "token_expired", "Token expired");
      },
      "POST /api/auth/refresh": () => json(tokens("new")),
    });
    const pending = unwrap(api.GET("/api/auth/me"));
    await vi.waitFor(() => expect(mock.count("GET /api/auth/me")).toBe(1));
    expect(await refreshSession()).toBe("refreshed");
    release();
    await pending;
    expect(mock.count("POST /api/auth/refresh")).toBe(1);
  });

  it("when the refresh is rejected, reports the expired session and surfaces the 401", async () => {
    setAccessToken("expired");
    const expired = vi.fn();
    onSessionExpired(expired);
    const mock = mockFetch({
      "GET /api/auth/me": () => apiError(401, "token_expired", "Token expired"),
      "POST /api/auth/refresh": () => apiError(401, "invalid_token", "Refresh token revoked"),
    });
    const err = await unwrap(api.GET("/api/auth/me")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(getAccessToken()).toBeNull();
    expect(mock.count("GET /api/auth/me")).toBe(1); // no replay without a token
  });

  it("keeps the session when the refresh endpoint is unreachable and reports a network error", async () => {
    setAccessToken("expired");
    const expired = vi.fn();
    onSessionExpired(expired);
    mockFetch({
      "GET /api/auth/me": () => apiError(401, "token_expired", "Token expired"),
      "POST /api/auth/refresh": () => {
        throw new TypeError("Failed to fetch");
      },
    });
    const err = await unwrap(api.GET("/api/auth/me")).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe("network_error");
    expect(expired).not.toHaveBeenCalled();
  });

  it("never tries to refresh on a 401 from the auth endpoints themselves", async () => {
    const mock = mockFetch({
      "POST /api/auth/login": () => apiError(401, "invalid_credentials", "Invalid username or password"),
    });
    const err = await unwrap(api.POST("/api/auth/login", { body: { username: "a", password: "b" } })).catch(
      (e: unknown) => e,
    );
    expect((err as ApiError).code).toBe("invalid_credentials");
    expect(mock.count("POST /api/auth/refresh")).toBe(0);
  });
});

describe("refreshSession", () => {
  it("restores a session from the cookie and shares one request between callers", async () => {
    const mock = mockFetch({ "POST /api/auth/refresh": () => json(tokens("R1")) });
    const [a, b] = await Promise.all([refreshSession(), refreshSession()]);
    expect([a, b]).toEqual(["refreshed", "refreshed"]);
    expect(mock.count("POST /api/auth/refresh")).toBe(1);
    expect(getAccessToken()).toBe("R1");
  });

  it("reports 'rejected' without a valid cookie", async () => {
    mockFetch({ "POST /api/auth/refresh": () => apiError(401, "not_authenticated", "No refresh token") });
    expect(await refreshSession()).toBe("rejected");
    expect(getAccessToken()).toBeNull();
  });
});
