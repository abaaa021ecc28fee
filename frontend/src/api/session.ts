/**
 * The session lives in memory: the access token is never written to storage,
 * and the refresh token only exists as the HttpOnly `np_refresh` cookie the
 * gateway sets on /api/auth. Refreshes are deduplicated within the tab and
 * serialised across tabs (refresh tokens rotate, so two tabs must not race).
 */
import { publicClient } from "./publicClient";

let accessToken: string | null = null;
let expiredHandler: (() => void) | null = null;

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function clearSession(): void {
  accessToken = null;
}

/** Called once a refresh has failed and the user has to sign in again. */
export function onSessionExpired(handler: (() => void) | null): void {
  expiredHandler = handler;
}

export function notifySessionExpired(): void {
  accessToken = null;
  expiredHandler?.();
}

/**
 * - "refreshed": a new access token is in memory
 * - "rejected": the server said no (no cookie, revoked, expired): sign in again
 * - "unreachable": network or server trouble; the session may still be fine
 */
export type RefreshResult = "refreshed" | "rejected" | "unreachable";

async function doRefresh(): Promise<RefreshResult> {
  try {
    // No body: the gateway takes the refresh token from the cookie.
    const { data, response } = await publicClient.POST("/api/auth/refresh", {});
    if (response.ok && data?.access_token) {
      accessToken = data.access_token;
      return "refreshed";
    }
    if (response.status === 401 || response.status === 403 || response.status === 422) {
      accessToken = null;
      return "rejected";
    }
    return "unreachable";
  } catch {
    return "unreachable";
  }
}

function withCrossTabLock(fn: () => Promise<RefreshResult>): Promise<RefreshResult> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks?.request) return fn();
  // LockManager.request resolves with the callback's (awaited) result.
  return locks.request("nearpeer-auth-refresh", fn) as unknown as Promise<RefreshResult>;
}

let inFlight: Promise<RefreshResult> | null = null;

/**
 * Get a fresh access token from the refresh cookie. Concurrent callers share
 * one request.
 */
export function refreshSession(): Promise<RefreshResult> {
  if (!inFlight) {
    inFlight = withCrossTabLock(doRefresh).finally(() => {
      inFlight = null;
    });
  }
  return inFlight;
}
