/** A minimal JSON client for arranging test data through the gateway (never for the steps under test). */
export class Api {
  constructor(
    readonly baseURL: string,
    readonly token: string,
  ) {}

  static async login(baseURL: string, username: string, password: string): Promise<Api> {
    const response = await fetch(`${baseURL}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
    return new Api(baseURL, ((await response.json()) as { access_token: string }).access_token);
  }

  async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.baseURL}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  get<T>(path: string) {
    return this.call<T>("GET", path);
  }
  post<T>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>("POST", path, body, headers);
  }
  put<T>(path: string, body?: unknown) {
    return this.call<T>("PUT", path, body);
  }
}

/** Does the running API serve this operation? (read from its combined OpenAPI document) */
export async function served(baseURL: string, method: string, path: string): Promise<boolean> {
  const response = await fetch(`${baseURL}/api/openapi.json`);
  if (!response.ok) return false;
  const spec = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  return Boolean(spec.paths[path]?.[method.toLowerCase()]);
}
