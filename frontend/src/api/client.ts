import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { API_BASE_URL, platformFetch } from "./publicClient";
import { getAccessToken, notifySessionExpired, refreshSession } from "./session";

const AUTH_ENDPOINTS = ["/api/auth/login", "/api/auth/refresh", "/api/auth/logout"];

function isAuthEndpoint(url: string): boolean {
  const { pathname } = new URL(url, API_BASE_URL);
  return AUTH_ENDPOINTS.includes(pathname);
}

function authorize(request: Request, token: string | null): Request {
  if (token) request.headers.set("Authorization", `Bearer ${token}`);
  else request.headers.delete("Authorization");
  return request;
}

/**
 * fetch with the access token attached. On a 401 it refreshes once (shared by
 * all requests failing at the same time) and replays the request; when the
 * refresh fails the session is over and the app goes to sign-in.
 */
export async function authFetch(request: Request): Promise<Response> {
  const tokenUsed = getAccessToken();
  authorize(request, tokenUsed);
  if (isAuthEndpoint(request.url)) return platformFetch(request);

  const replay = request.clone(); // the body can be read only once
  const response = await platformFetch(request);
  if (response.status !== 401) return response;

  // Another request may already have refreshed while this one was in flight.
  const current = getAccessToken();
  const outcome = current !== null && current !== tokenUsed ? "refreshed" : await refreshSession();
  if (outcome === "unreachable") throw new TypeError("Could not reach the server to renew the session");
  if (outcome === "rejected") {
    notifySessionExpired();
    return response;
  }
  const retried = await platformFetch(authorize(replay, getAccessToken()));
  if (retried.status === 401) notifySessionExpired();
  return retried;
}

/** Query strings as the services read them: lists comma-joined (`ids=a,b`), empty values left out. */
export function serializeQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params.toString();
}

/**
 * The typed API client the app uses, generated from the gateway's OpenAPI spec:
 * paths, parameters, bodies and answers are all checked against `schema.d.ts`.
 * Wrap calls in `unwrap()` (errors.ts) to get the data or a thrown `ApiError`.
 */
export const api = createClient<paths, "application/json">({
  baseUrl: API_BASE_URL,
  fetch: authFetch,
  credentials: "same-origin",
  headers: { Accept: "application/json" },
  querySerializer: serializeQuery,
});

/** A fresh Idempotency-Key per user action (retries of the same action reuse it). */
export function idempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
