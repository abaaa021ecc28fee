import createClient from "openapi-fetch";
import type { paths } from "./schema";

/** Origin of the API: the SPA is served by the gateway, so same origin. */
export const API_BASE_URL = typeof window !== "undefined" ? window.location.origin : "http://localhost";

/** Look fetch up at call time (tests replace it; polyfills may load late). */
export const platformFetch = (request: Request): Promise<Response> => globalThis.fetch(request);

/**
 * Client without token handling, for the auth endpoints themselves
 * (login, refresh, logout), so a 401 there never triggers a refresh loop.
 */
export const publicClient = createClient<paths, "application/json">({
  baseUrl: API_BASE_URL,
  fetch: platformFetch,
  credentials: "same-origin",
});
