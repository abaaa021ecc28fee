import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, get, path, post, type Schema } from "./http";

/* Gateway admin endpoints (users, roles, machine clients). */
export const ADMIN = {
  users: path("/api/admin/users"),
  user: (id: string) => path("/api/admin/users/{user_id}", { user_id: id }),
  import: path("/api/admin/users/import"),
  clients: path("/api/admin/clients"),
  scopes: path("/api/admin/clients/scopes"),
  rotate: (id: string) => path("/api/admin/clients/{client_id}/rotate-secret", { client_id: id }),
  revoke: (id: string) => path("/api/admin/clients/{client_id}/revoke", { client_id: id }),
  lookup: path("/api/users/lookup"),
  audit: path("/api/admin/audit"),
} as const;

export type AdminUser = Schema<"UserPublic">;
export type UserPage = Schema<"UsersPage">;
export type ImportReport = Schema<"ImportReport">;
export type ImportRow = Schema<"ImportRow">;
export type MachineClient = Schema<"ClientPublic">;
export type ClientWithSecret = Schema<"ClientWithSecret">;
export type Role = Schema<"Role">;
export type AuditAction = Schema<"AuditAction">;
export type AuditEvent = Schema<"AuditEventPublic">;

export function useUsers(filters: { q?: string; role?: Role; limit: number; offset: number }) {
  return useQuery({
    queryKey: ["admin", "users", filters],
    queryFn: ({ signal }) => get<UserPage>(ADMIN.users, filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useSetRoles() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, roles }: { id: string; roles: Role[] }) => call<AdminUser>("PATCH", ADMIN.user(id), { body: { roles } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "users"] }),
  });
}

export function useImportUsers() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file);
      return post<ImportReport>(ADMIN.import, form);
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "users"] }),
  });
}

export function useClients() {
  return useQuery({
    queryKey: ["admin", "clients"],
    queryFn: ({ signal }) => get<Schema<"ClientsPage">>(ADMIN.clients, { limit: 200 }, signal),
  });
}

export function useScopes() {
  return useQuery({
    queryKey: ["admin", "scopes"],
    queryFn: ({ signal }) => get<Schema<"ScopeInfo">[]>(ADMIN.scopes, undefined, signal),
    staleTime: Infinity,
  });
}

export function useCreateClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: Schema<"ClientCreate">) => post<ClientWithSecret>(ADMIN.clients, data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "clients"] }),
  });
}

export function useRotateSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post<ClientWithSecret>(ADMIN.rotate(id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "clients"] }),
  });
}

export function useRevokeClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post<MachineClient>(ADMIN.revoke(id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "clients"] }),
  });
}

/** Display names for user ids (admins only): id -> name. */
export function useUserNames(ids: string[]) {
  const unique = [...new Set(ids)].sort().slice(0, 200);
  return useQuery({
    queryKey: ["admin", "names", unique],
    queryFn: async ({ signal }) => {
      const list = await get<Schema<"UserName">[]>(ADMIN.lookup, { ids: unique }, signal);
      return new Map(list.map((u) => [u.id, u.full_name || u.username]));
    },
    enabled: unique.length > 0,
    staleTime: 10 * 60_000,
  });
}

export function useAuditLog(filters: { action?: AuditAction; limit: number; offset: number }) {
  return useQuery({
    queryKey: ["admin", "audit", filters],
    queryFn: ({ signal }) => get<Schema<"AuditPage">>(ADMIN.audit, filters, signal),
    placeholderData: keepPreviousData,
  });
}
