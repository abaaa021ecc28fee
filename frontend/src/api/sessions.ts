import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "./client";
import { unwrap } from "./errors";
import type { QueryOf, Schema } from "./types";

/* Sessions service: every call goes through the typed client, so paths, bodies and answers come from schema.d.ts. */

export type SessionState = Schema<"SessionState">;
export type SessionFormat = Schema<"SessionFormat">;
export type BookingStatus = Schema<"BookingStatus">;
export type TeachingSession = Schema<"TeachingSessionPublic">;
export type SessionCreate = Schema<"TeachingSessionCreate">;
export type Booking = Schema<"BookingPublic">;
export type AgendaEntry = Schema<"AgendaEntry">;
export type Feed = Schema<"FeedPublic">;
export type FeedCreate = Schema<"FeedCreate">;
export type OwnerType = Schema<"OwnerType">;
export type WebhookEndpoint = Schema<"WebhookEndpointPublic">;

/**
 * One timetable clash. Not in the spec: the 409 `timetable_clash` error body
 * carries them as an extra `clashes` field next to the common error shape.
 */
export type Clash = { kind: string; title: string; starts_at: string; ends_at: string; source: string; user_id?: string };

/** The `clashes` a 409 `timetable_clash` error carries (top level or inside details). */
export function clashesOf(error: unknown): Clash[] {
  if (!error || typeof error !== "object") return [];
  const e = error as { code?: string; clashes?: Clash[]; body?: { clashes?: Clash[] }; details?: { clashes?: Clash[] }[] };
  if (e.code !== "timetable_clash") return [];
  return e.clashes ?? e.body?.clashes ?? e.details?.flatMap((d) => d.clashes ?? []) ?? [];
}

export type SessionFilters = QueryOf<"/api/sessions/sessions", "get">;

export interface FreeSlotQuery {
  user_ids: string[];
  start: string;
  end: string;
  duration_minutes: number;
}

export const sessionKeys = {
  all: ["sessions"] as const,
  list: (filters: SessionFilters) => ["sessions", "list", filters] as const,
  bookings: (id: number) => ["sessions", "bookings", id] as const,
  myBookings: ["sessions", "my-bookings"] as const,
  allAgenda: ["sessions", "agenda"] as const,
  agenda: (start: string, end: string) => ["sessions", "agenda", start, end] as const,
  feedUrl: ["sessions", "feed-url"] as const,
  allFreeSlots: ["sessions", "free-slots"] as const,
  freeSlots: (params: FreeSlotQuery | null) => ["sessions", "free-slots", params] as const,
  feeds: ["sessions", "feeds"] as const,
  webhooks: ["sessions", "webhooks"] as const,
  allDeliveries: ["sessions", "webhook-deliveries"] as const,
  deliveries: (endpointId: number | null) => ["sessions", "webhook-deliveries", endpointId] as const,
};

export function useSessions(filters: SessionFilters) {
  return useQuery({
    queryKey: sessionKeys.list(filters),
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/sessions", { params: { query: filters }, signal })),
  });
}

export function useMyBookings() {
  return useQuery({
    queryKey: sessionKeys.myBookings,
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/bookings/me", { signal })),
  });
}

export function useBook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: number) =>
      unwrap(
        api.POST("/api/sessions/sessions/{session_id}/bookings", {
          params: { path: { session_id: sessionId } },
          body: {},
          headers: { "Idempotency-Key": idempotencyKey() },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useCancelBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (bookingId: number) =>
      unwrap(api.POST("/api/sessions/bookings/{booking_id}/cancel", { params: { path: { booking_id: bookingId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useAttendees(sessionId: number | null) {
  return useQuery({
    queryKey: sessionKeys.bookings(sessionId ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/sessions/sessions/{session_id}/bookings", { params: { path: { session_id: sessionId! } }, signal })),
    enabled: sessionId !== null,
  });
}

export function useCreateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SessionCreate) =>
      unwrap(api.POST("/api/sessions/sessions", { body, headers: { "Idempotency-Key": idempotencyKey() } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useCompleteSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, attendance }: { id: number; attendance: { learner_id: string; attended: boolean }[] }) =>
      unwrap(api.POST("/api/sessions/sessions/{session_id}/complete", { params: { path: { session_id: id } }, body: { attendance } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useCancelSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string | null }) =>
      unwrap(api.POST("/api/sessions/sessions/{session_id}/cancel", { params: { path: { session_id: id } }, body: { reason } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

/** The signed-in user's own agenda: timetable items with their details, and the sessions they teach or attend. */
export function useMyAgenda(start: string, end: string) {
  return useQuery({
    queryKey: sessionKeys.agenda(start, end),
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/agenda", { params: { query: { start, end } }, signal })),
  });
}

export function useFeedUrl() {
  return useQuery({
    queryKey: sessionKeys.feedUrl,
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/calendar/feed-url", { signal })),
    staleTime: Infinity,
    retry: false,
  });
}

export function useFreeSlots(params: FreeSlotQuery | null) {
  return useQuery({
    queryKey: sessionKeys.freeSlots(params),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/sessions/free-slots", { params: { query: { ...params!, user_ids: params!.user_ids.join(",") } }, signal })),
    enabled: params !== null && params.user_ids.length > 0,
  });
}

export function useFeeds() {
  return useQuery({
    queryKey: sessionKeys.feeds,
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/feeds", { signal })),
  });
}

/** Put a feed the API just returned into the cached list (added or replaced). */
function upsertFeed(list: Feed[] | undefined, feed: Feed): Feed[] | undefined {
  if (!list) return list;
  return list.some((f) => f.id === feed.id) ? list.map((f) => (f.id === feed.id ? feed : f)) : [...list, feed];
}

/**
 * Register a timetable feed. The caller passes the Idempotency-Key so one
 * submit attempt (and any retry of it) creates at most one feed.
 */
export function useCreateFeed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ data, key }: { data: FeedCreate; key: string }) =>
      unwrap(api.POST("/api/sessions/feeds", { body: data, headers: { "Idempotency-Key": key } })),
    onSuccess: (feed) => {
      qc.setQueryData<Feed[]>(sessionKeys.feeds, (list) => upsertFeed(list, feed));
      void qc.invalidateQueries({ queryKey: sessionKeys.feeds });
    },
  });
}

/** Fetch and import a feed now; answers with its new status (an import error is a status, not a failure). */
export function useRefreshFeed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.POST("/api/sessions/feeds/{feed_id}/refresh", { params: { path: { feed_id: id } } })),
    onSuccess: (feed) => {
      qc.setQueryData<Feed[]>(sessionKeys.feeds, (list) => upsertFeed(list, feed));
      void qc.invalidateQueries({ queryKey: sessionKeys.allAgenda });
      void qc.invalidateQueries({ queryKey: sessionKeys.allFreeSlots });
    },
  });
}

/** Remove a feed and the timetable items it imported. */
export function useDeleteFeed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/sessions/feeds/{feed_id}", { params: { path: { feed_id: id } } })),
    onSuccess: (_, id) => {
      qc.setQueryData<Feed[]>(sessionKeys.feeds, (list) => list?.filter((f) => f.id !== id));
      void qc.invalidateQueries({ queryKey: sessionKeys.feeds });
      void qc.invalidateQueries({ queryKey: sessionKeys.allAgenda });
      void qc.invalidateQueries({ queryKey: sessionKeys.allFreeSlots });
    },
  });
}

export function useWebhooks() {
  return useQuery({
    queryKey: sessionKeys.webhooks,
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/webhooks/endpoints", { signal })),
  });
}

export function useWebhookDeliveries(id: number | null) {
  return useQuery({
    queryKey: sessionKeys.deliveries(id),
    queryFn: ({ signal }) => unwrap(api.GET("/api/sessions/webhooks/deliveries", { params: { query: { endpoint_id: id! } }, signal })),
    enabled: id !== null,
  });
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<"WebhookEndpointCreate">) => unwrap(api.POST("/api/sessions/webhooks/endpoints", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.webhooks }),
  });
}

export function useToggleWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, on }: { id: number; on: boolean }) => {
      const params = { path: { endpoint_id: id } };
      return on
        ? unwrap(api.POST("/api/sessions/webhooks/endpoints/{endpoint_id}/enable", { params }))
        : unwrap(api.POST("/api/sessions/webhooks/endpoints/{endpoint_id}/disable", { params }));
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.webhooks }),
  });
}

export function useReplayDelivery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST("/api/sessions/webhooks/deliveries/{delivery_id}/replay", { params: { path: { delivery_id: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.allDeliveries }),
  });
}
