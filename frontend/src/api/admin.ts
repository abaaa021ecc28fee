import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";
import type { QueryOf, Schema } from "./types";

/* Gateway admin endpoints (users, roles, machine clients, audit): calls through the typed client. */

export type Role = Schema<"Role">;
export type AuditAction = Schema<"AuditAction">;
export type AuditEvent = Schema<"AuditEventPublic">;

export type UserFilters = QueryOf<"/api/admin/users", "get">;
export type AuditFilters = QueryOf<"/api/admin/audit", "get">;

export const adminKeys = {
  allUsers: ["admin", "users"] as const,
  users: (filters: UserFilters) => ["admin", "users", filters] as const,
  clients: ["admin", "clients"] as const,
  scopes: ["admin", "scopes"] as const,
  names: (ids: string[]) => ["admin", "names", ids] as const,
  audit: (filters: AuditFilters) => ["admin", "audit", filters] as const,
};

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: adminKeys.users(filters),
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/users", { params: { query: filters }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useSetRoles() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, roles }: { id: string; roles: Role[] }) =>
      unwrap(api.PATCH("/api/admin/users/{user_id}", { params: { path: { user_id: id } }, body: { roles } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.allUsers }),
  });
}

export function useImportUsers() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file);
      // The spec types a binary part as a string; the FormData is what is sent.
      return unwrap(api.POST("/api/admin/users/import", { body: { file: file.name }, bodySerializer: () => form }));
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.allUsers }),
  });
}

export function useClients() {
  return useQuery({
    queryKey: adminKeys.clients,
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/clients", { params: { query: { limit: 200 } }, signal })),
  });
}

export function useScopes() {
  return useQuery({
    queryKey: adminKeys.scopes,
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/clients/scopes", { signal })),
    staleTime: Infinity,
  });
}

export function useCreateClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<"ClientCreate">) => unwrap(api.POST("/api/admin/clients", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.clients }),
  });
}

export function useRotateSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/admin/clients/{client_id}/rotate-secret", { params: { path: { client_id: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.clients }),
  });
}

export function useRevokeClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/admin/clients/{client_id}/revoke", { params: { path: { client_id: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.clients }),
  });
}

/** Display names for user ids (admins only): id -> name. */
export function useUserNames(ids: string[]) {
  const unique = [...new Set(ids)].sort().slice(0, 200);
  return useQuery({
    queryKey: adminKeys.names(unique),
    queryFn: async ({ signal }) => {
      const list = await unwrap(api.GET("/api/users/lookup", { params: { query: { ids: unique.join(",") } }, signal }));
      return new Map(list.map((u) => [u.id, u.full_name || u.username]));
    },
    enabled: unique.length > 0,
    staleTime: 10 * 60_000,
  });
}

export function useAuditLog(filters: AuditFilters) {
  return useQuery({
    queryKey: adminKeys.audit(filters),
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/audit", { params: { query: filters }, signal })),
    placeholderData: keepPreviousData,
  });
}
