import { json, me, tokens, type Handler } from "./fetchMock";

/** Auth mocks for a signed-in user with these roles (id "u-1"), plus empty notifications. */
export function signedInRoutes(roles: string[] = ["learner"], id = "u-1"): Record<string, Handler> {
  return {
    "POST /api/auth/refresh": () => json(tokens("T1")),
    "GET /api/auth/me": () => json({ ...me(roles), id }),
    "GET /api/matching/notifications": () => json([]),
    "GET /api/sessions/notifications": () => json([]),
    "GET /api/feedback/notifications": () => json([]),
  };
}

export const topic = (id: number, name: string) => ({
  id,
  name,
  kind: "clinical_reasoning",
  parent_id: null,
  description: null,
  retired_at: null,
  path: name,
});
