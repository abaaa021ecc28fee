import type { Schema } from "./types";

/** The one error shape every NearPeer service returns (generated `ErrorBody`; `details` may be absent from proxies). */
export type ApiErrorDetail = Schema<"ErrorDetail">;
export type ApiErrorBody = Omit<Schema<"ErrorBody">, "details"> & { details?: ApiErrorDetail[] };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: ApiErrorDetail[];
  /** The whole error body, for codes that carry more (e.g. `clashes` of `timetable_clash`). */
  readonly body: ApiErrorBody & Record<string, unknown>;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = "ApiError";
    this.status = body.status;
    this.code = body.code;
    this.requestId = body.request_id ?? null;
    this.details = body.details ?? [];
    this.body = body as ApiErrorBody & Record<string, unknown>;
  }

  /** Build from an error response; tolerates bodies that are not our shape (proxies, HTML pages). */
  static from(body: unknown, response: Response): ApiError {
    if (isErrorBody(body)) return new ApiError(body);
    return new ApiError({
      status: response.status,
      code: response.status >= 500 ? "internal_error" : "http_error",
      message: response.statusText || `HTTP ${response.status}`,
      request_id: response.headers.get("x-request-id"),
    });
  }

  static network(cause?: unknown): ApiError {
    const err = new ApiError({ status: 0, code: "network_error", message: "Network unreachable" });
    if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
    return err;
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.status === "number" && typeof b.code === "string" && typeof b.message === "string";
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

const LOCATION_PREFIXES = new Set(["body", "query", "path", "header", "cookie"]);

/** "body.username" -> "username"; "query.page" -> "page"; "username" stays. */
export function fieldName(field: string): string {
  const parts = field.split(".");
  if (parts.length > 1 && LOCATION_PREFIXES.has(parts[0]!)) parts.shift();
  return parts.join(".");
}

/** Field-level errors keyed by form field name (first error per field wins). */
export function fieldErrors(error: unknown): Record<string, ApiErrorDetail> {
  const out: Record<string, ApiErrorDetail> = {};
  if (!isApiError(error)) return out;
  for (const d of error.details) {
    if (!d.field) continue;
    const name = fieldName(d.field);
    if (name && !(name in out)) out[name] = d;
  }
  return out;
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Turn an openapi-fetch result into data or a thrown ApiError, so callers
 * (and TanStack Query) deal with one error type.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    if (isApiError(cause)) throw cause;
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw ApiError.network(cause);
  }
  if (result.error !== undefined || !result.response.ok) {
    throw ApiError.from(result.error, result.response);
  }
  return result.data as T;
}
