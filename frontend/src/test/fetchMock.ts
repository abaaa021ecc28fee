import { vi } from "vitest";

export type Handler = (request: Request) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function apiError(status: number, code: string, message: string, details?: unknown[]): Response {
  return json({ status, code, message, request_id: "req-test", ...(details ? { details } : {}) }, status);
}

export const tokens = (access: string) => ({
  access_token: access,
  refresh_token: `refresh-of-${access}`,
  token_type: "bearer",
  expires_in: 900,
});

export const me = (roles: string[] = ["learner"]) => ({
  id: 1,
  username: "amina",
  full_name: "Amina Diallo",
  email: "amina@example.org",
  roles,
  is_active: true,
});

/**
 * Replace global fetch with a router keyed by "METHOD /path". Unmatched
 * requests fail the test loudly. Every request is recorded (with the
 * Authorization header it carried).
 */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: { method: string; path: string; auth: string | null; body: string | null }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const { pathname } = new URL(request.url);
    const key = `${request.method} ${pathname}`;
    const body = request.method === "GET" || request.method === "HEAD" ? null : await request.clone().text();
    calls.push({ method: request.method, path: pathname, auth: request.headers.get("Authorization"), body });
    const handler = routes[key];
    if (!handler) throw new Error(`Unexpected fetch: ${key}`);
    return handler(request);
  });
  vi.stubGlobal("fetch", fn);
  return { fn, calls, count: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key).length };
}
