import type { components, paths } from "./schema";
import { authFetch } from "./client";
import { API_BASE_URL } from "./publicClient";
import { ApiError } from "./errors";

/**
 * Untyped-path calls for endpoints not yet in the generated schema (the
 * backend is being written alongside). Each area module (matching.ts,
 * sessions.ts, feedback.ts) declares its paths and shapes in one place, so
 * moving to `api.GET(...)` with generated types is a local change.
 */
export type Query = Record<string, string | number | boolean | null | undefined | readonly (string | number)[]>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: Query): string {
  const url = new URL(path, API_BASE_URL);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    url.searchParams.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return url.toString();
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers = new Headers(options.headers);
  if (!headers.has("Accept")) headers.set("Accept", "application/json");
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.body);
  }
  const request = new Request(buildUrl(path, options.query), {
    method,
    headers,
    body,
    signal: options.signal,
    credentials: "same-origin",
  });
  let response: Response;
  try {
    response = await authFetch(request);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw ApiError.network(cause);
  }
  const type = response.headers.get("content-type") ?? "";
  const parsed: unknown = response.status === 204 ? null : type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) throw ApiError.from(parsed, response);
  return parsed as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => call<T>("GET", path, { query, signal });
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>("POST", path, { body, headers });
export const put = <T>(path: string, body?: unknown) => call<T>("PUT", path, { body });
export const patch = <T>(path: string, body?: unknown) => call<T>("PATCH", path, { body });
export const del = <T>(path: string, body?: unknown) => call<T>("DELETE", path, { body });

/** A fresh Idempotency-Key per user action (retries of the same action reuse it). */
export function idempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A schema of the generated OpenAPI types, by name. */
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

/**
 * A path of the generated spec with its `{params}` filled in. Typing the
 * template as `keyof paths` makes a path the API does not serve a compile error.
 */
export function path<P extends keyof paths>(template: P, params: Record<string, string | number> = {}): string {
  return (template as string).replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}
