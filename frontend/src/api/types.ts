import type { components, paths } from "./schema";

/** A schema of the generated OpenAPI types, by name. */
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

// Derived from the paths rather than from schema names, so the types survive
// a regenerated spec whose component names differ.
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;

export type Me = JsonOf<paths["/api/auth/me"]["get"]["responses"][200]>;
export type Role = Me["roles"][number];
export type TokenResponse = JsonOf<paths["/api/auth/login"]["post"]["responses"][200]>;

export const ROLES = ["learner", "tutor", "supervisor", "admin"] as const satisfies readonly Role[];

/** The query parameters of an operation, from the generated spec. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = NonNullable<
  paths[P][M] extends { parameters: { query?: infer Q } } ? Q : never
>;
