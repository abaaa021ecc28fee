import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, path, post, type Schema } from "./http";

/* The outboxes of the services that send events to others (sessions → feedback, feedback → matching). */
export type OutboxService = "sessions" | "feedback";
export const OUTBOX_SERVICES: OutboxService[] = ["sessions", "feedback"];
export type OutboxStats = Schema<"OutboxStats">;
export type OutboxMessage = Schema<"OutboxMessagePublic">;

const OUTBOX = {
  sessions: {
    stats: path("/api/sessions/admin/outbox"),
    messages: path("/api/sessions/admin/outbox/messages"),
    replay: (id: number) => path("/api/sessions/admin/outbox/messages/{message_id}/replay", { message_id: id }),
  },
  feedback: {
    stats: path("/api/feedback/admin/outbox"),
    messages: path("/api/feedback/admin/outbox/messages"),
    replay: (id: number) => path("/api/feedback/admin/outbox/messages/{message_id}/replay", { message_id: id }),
  },
} as const;

export function useOutboxStats(service: OutboxService) {
  return useQuery({
    queryKey: ["outbox", service, "stats"],
    queryFn: ({ signal }) => get<OutboxStats>(OUTBOX[service].stats, undefined, signal),
    refetchInterval: 30_000,
  });
}

export function useDeadMessages(service: OutboxService) {
  return useQuery({
    queryKey: ["outbox", service, "dead"],
    queryFn: ({ signal }) => get<OutboxMessage[]>(OUTBOX[service].messages, { state: "dead", limit: 50 }, signal),
  });
}

export function useReplayMessage(service: OutboxService) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => post<OutboxMessage>(OUTBOX[service].replay(id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["outbox", service] }),
  });
}
