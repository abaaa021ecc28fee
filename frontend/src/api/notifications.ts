import { useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";
import type { Schema } from "./types";

/** Each service keeps the notifications of its own domain with one shape (docs/INTEGRATION.md). */
export const NOTIFICATION_SOURCES = ["matching", "sessions", "feedback"] as const;
export type NotificationSource = (typeof NOTIFICATION_SOURCES)[number];

export type NotificationItem = Schema<"NotificationPublic">;

export const notificationKeys = {
  all: ["notifications"] as const,
  source: (source: NotificationSource) => ["notifications", source] as const,
};

function listOf(source: NotificationSource, signal: AbortSignal) {
  switch (source) {
    case "matching":
      return unwrap(api.GET("/api/matching/notifications", { signal }));
    case "sessions":
      return unwrap(api.GET("/api/sessions/notifications", { signal }));
    case "feedback":
      return unwrap(api.GET("/api/feedback/notifications", { signal }));
  }
}

function markRead(source: NotificationSource, id: number) {
  const params = { path: { notification_id: id } };
  switch (source) {
    case "matching":
      return unwrap(api.POST("/api/matching/notifications/{notification_id}/read", { params }));
    case "sessions":
      return unwrap(api.POST("/api/sessions/notifications/{notification_id}/read", { params }));
    case "feedback":
      return unwrap(api.POST("/api/feedback/notifications/{notification_id}/read", { params }));
  }
}

export interface MergedNotification extends NotificationItem {
  source: NotificationSource;
  key: string;
  /** Erratum id when this is an erratum to acknowledge. */
  erratumId: number | null;
}

/** An erratum notification links to `/errata/<id>` (or names it in its kind). */
export function erratumIdOf(n: NotificationItem): number | null {
  if (!n.kind.startsWith("erratum")) return null;
  const match = /errat(?:a|um)\/(\d+)/.exec(n.link ?? "");
  return match ? Number(match[1]) : null;
}

/** Errata first (they need an acknowledgement), then newest first. */
export function mergeNotifications(lists: { source: NotificationSource; items: NotificationItem[] }[]): MergedNotification[] {
  const merged = lists.flatMap(({ source, items }) =>
    items.map((n) => ({ ...n, source, key: `${source}:${n.id}`, erratumId: source === "feedback" ? erratumIdOf(n) : null })),
  );
  return merged.sort((a, b) => {
    const ea = a.erratumId !== null && !a.read_at ? 1 : 0;
    const eb = b.erratumId !== null && !b.read_at ? 1 : 0;
    if (ea !== eb) return eb - ea;
    return b.created_at.localeCompare(a.created_at);
  });
}

/**
 * The three lists, fetched in parallel; one service down does not hide the
 * others (its failure is reported in `failed`).
 */
export function useNotifications() {
  const results = useQueries({
    queries: NOTIFICATION_SOURCES.map((source) => ({
      queryKey: notificationKeys.source(source),
      queryFn: ({ signal }: { signal: AbortSignal }) => listOf(source, signal),
      refetchInterval: 60_000,
      retry: 1,
    })),
  });
  const lists = results.flatMap((r, i) => (r.data ? [{ source: NOTIFICATION_SOURCES[i]!, items: r.data }] : []));
  const failed = results.flatMap((r, i) => (r.isError ? [NOTIFICATION_SOURCES[i]!] : []));
  const items = mergeNotifications(lists);
  return {
    items,
    failed,
    isLoading: results.some((r) => r.isLoading) && lists.length === 0,
    unread: items.filter((n) => !n.read_at).length,
    refetch: () => results.forEach((r) => void r.refetch()),
  };
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ source, id }: { source: NotificationSource; id: number }) => markRead(source, id),
    onSuccess: (_, { source }) => void qc.invalidateQueries({ queryKey: notificationKeys.source(source) }),
  });
}
