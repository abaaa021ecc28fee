import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";

/* The outboxes of the services that send events to others (sessions → feedback, feedback → matching). */
export type OutboxService = "sessions" | "feedback";
export const OUTBOX_SERVICES: OutboxService[] = ["sessions", "feedback"];

export const outboxKeys = {
  service: (service: OutboxService) => ["outbox", service] as const,
  stats: (service: OutboxService) => ["outbox", service, "stats"] as const,
  dead: (service: OutboxService) => ["outbox", service, "dead"] as const,
};

function stats(service: OutboxService, signal: AbortSignal) {
  return service === "sessions"
    ? unwrap(api.GET("/api/sessions/admin/outbox", { signal }))
    : unwrap(api.GET("/api/feedback/admin/outbox", { signal }));
}

function deadMessages(service: OutboxService, signal: AbortSignal) {
  const params = { query: { state: "dead" as const, limit: 50 } };
  return service === "sessions"
    ? unwrap(api.GET("/api/sessions/admin/outbox/messages", { params, signal }))
    : unwrap(api.GET("/api/feedback/admin/outbox/messages", { params, signal }));
}

function replay(service: OutboxService, id: number) {
  const params = { path: { message_id: id } };
  return service === "sessions"
    ? unwrap(api.POST("/api/sessions/admin/outbox/messages/{message_id}/replay", { params }))
    : unwrap(api.POST("/api/feedback/admin/outbox/messages/{message_id}/replay", { params }));
}

export function useOutboxStats(service: OutboxService) {
  return useQuery({
    queryKey: outboxKeys.stats(service),
    queryFn: ({ signal }) => stats(service, signal),
    refetchInterval: 30_000,
  });
}

export function useDeadMessages(service: OutboxService) {
  return useQuery({
    queryKey: outboxKeys.dead(service),
    queryFn: ({ signal }) => deadMessages(service, signal),
  });
}

export function useReplayMessage(service: OutboxService) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => replay(service, id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: outboxKeys.service(service) }),
  });
}
