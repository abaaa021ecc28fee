import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, idempotencyKey, patch, path, post, type Schema } from "./http";

/* Sessions service: shapes mirror services/sessions/sessions/models.py. */
export const SESSIONS = {
  sessions: path("/api/sessions/sessions"),
  session: (id: number) => path("/api/sessions/sessions/{session_id}", { session_id: id }),
  bookings: (id: number) => path("/api/sessions/sessions/{session_id}/bookings", { session_id: id }),
  cancelBooking: (bookingId: number) => path("/api/sessions/bookings/{booking_id}/cancel", { booking_id: bookingId }),
  complete: (id: number) => path("/api/sessions/sessions/{session_id}/complete", { session_id: id }),
  cancel: (id: number) => path("/api/sessions/sessions/{session_id}/cancel", { session_id: id }),
  open: (id: number) => path("/api/sessions/sessions/{session_id}/open", { session_id: id }),
  myBookings: path("/api/sessions/bookings/me"),
  freebusy: path("/api/sessions/freebusy"),
  agenda: path("/api/sessions/agenda"),
  feedUrl: path("/api/sessions/calendar/feed-url"),
  rotateFeedUrl: path("/api/sessions/calendar/feed-url/rotate"),
  freeSlots: path("/api/sessions/free-slots"),
  feeds: path("/api/sessions/feeds"),
  feed: (id: number) => path("/api/sessions/feeds/{feed_id}", { feed_id: id }),
  feedRefresh: (id: number) => path("/api/sessions/feeds/{feed_id}/refresh", { feed_id: id }),
  webhooks: path("/api/sessions/webhooks/endpoints"),
  webhookDeliveries: path("/api/sessions/webhooks/deliveries"),
  webhookToggle: (id: number, on: boolean) =>
    on
      ? path("/api/sessions/webhooks/endpoints/{endpoint_id}/enable", { endpoint_id: id })
      : path("/api/sessions/webhooks/endpoints/{endpoint_id}/disable", { endpoint_id: id }),
  replay: (id: number) => path("/api/sessions/webhooks/deliveries/{delivery_id}/replay", { delivery_id: id }),
  notifications: path("/api/sessions/notifications"),
} as const;

export type SessionState = Schema<"SessionState">;
export type SessionFormat = Schema<"SessionFormat">;
export type BookingStatus = Schema<"BookingStatus">;
export type TutorRef = Schema<"TutorRef">;
export type TeachingSession = Schema<"TeachingSessionPublic">;
export type SessionCreate = Schema<"TeachingSessionCreate">;
export type Booking = Schema<"BookingPublic">;
export type Clash = { kind: string; title: string; starts_at: string; ends_at: string; source: string; user_id?: string };
export type FeedUrl = Schema<"FeedUrl">;
export type FreeSlot = Schema<"FreeSlot">;
export type FreeBusy = Schema<"FreeBusy">;
export type Agenda = Schema<"Agenda">;
export type AgendaEntry = Schema<"AgendaEntry">;
export type Owner = Schema<"Owner">;
export type Feed = Schema<"FeedPublic">;
export type FeedCreate = Schema<"FeedCreate">;
export type OwnerType = Schema<"OwnerType">;
export type WebhookEndpoint = Schema<"WebhookEndpointPublic"> & { secret?: string };
export type WebhookDelivery = Schema<"WebhookDeliveryPublic">;

/** The `clashes` a 409 `timetable_clash` error carries (top level or inside details). */
export function clashesOf(error: unknown): Clash[] {
  if (!error || typeof error !== "object") return [];
  const e = error as { code?: string; clashes?: Clash[]; body?: { clashes?: Clash[] }; details?: { clashes?: Clash[] }[] };
  if (e.code !== "timetable_clash") return [];
  return e.clashes ?? e.body?.clashes ?? e.details?.flatMap((d) => d.clashes ?? []) ?? [];
}

export const sessionKeys = {
  list: (filters: object) => ["sessions", "list", filters] as const,
  one: (id: number) => ["sessions", "one", id] as const,
  bookings: (id: number) => ["sessions", "bookings", id] as const,
  myBookings: ["sessions", "my-bookings"] as const,
  feedUrl: ["sessions", "feed-url"] as const,
  feeds: ["sessions", "feeds"] as const,
  webhooks: ["sessions", "webhooks"] as const,
};

export function useSessions(filters: { state?: SessionState; topic_id?: number; tutor_id?: string; start?: string; end?: string }) {
  return useQuery({
    queryKey: sessionKeys.list(filters),
    queryFn: ({ signal }) => get<TeachingSession[]>(SESSIONS.sessions, filters, signal),
  });
}

export function useMyBookings() {
  return useQuery({
    queryKey: sessionKeys.myBookings,
    queryFn: ({ signal }) => get<Booking[]>(SESSIONS.myBookings, undefined, signal),
  });
}

export function useBook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: number) =>
      post<Booking>(SESSIONS.bookings(sessionId), {}, { "Idempotency-Key": idempotencyKey() }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useCancelBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (bookingId: number) => post<Booking>(SESSIONS.cancelBooking(bookingId)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useAttendees(sessionId: number | null) {
  return useQuery({
    queryKey: sessionKeys.bookings(sessionId ?? 0),
    queryFn: ({ signal }) => get<Booking[]>(SESSIONS.bookings(sessionId!), undefined, signal),
    enabled: sessionId !== null,
  });
}

export function useCreateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: SessionCreate) => post<TeachingSession>(SESSIONS.sessions, data, { "Idempotency-Key": idempotencyKey() }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useCompleteSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, attendance }: { id: number; attendance: { learner_id: string; attended: boolean }[] }) =>
      post<TeachingSession>(SESSIONS.complete(id), { attendance }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useCancelSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string | null }) => post<TeachingSession>(SESSIONS.cancel(id), { reason }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useUpdateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, data }: { id: number; data: Partial<SessionCreate> }) => patch<TeachingSession>(SESSIONS.session(id), data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

/** The signed-in user's own agenda: timetable items with their details, and the sessions they teach or attend. */
export function useMyAgenda(start: string, end: string) {
  return useQuery({
    queryKey: ["sessions", "agenda", start, end],
    queryFn: ({ signal }) => get<Agenda>(SESSIONS.agenda, { start, end }, signal),
  });
}

export function useFeedUrl() {
  return useQuery({
    queryKey: sessionKeys.feedUrl,
    queryFn: ({ signal }) => get<FeedUrl>(SESSIONS.feedUrl, undefined, signal),
    staleTime: Infinity,
    retry: false,
  });
}

export function useFreeSlots(params: { user_ids: string[]; start: string; end: string; duration_minutes: number } | null) {
  return useQuery({
    queryKey: ["sessions", "free-slots", params],
    queryFn: ({ signal }) => get<FreeSlot[]>(SESSIONS.freeSlots, params ?? undefined, signal),
    enabled: params !== null && params.user_ids.length > 0,
  });
}

export function useFeeds() {
  return useQuery({ queryKey: sessionKeys.feeds, queryFn: ({ signal }) => get<Feed[]>(SESSIONS.feeds, undefined, signal) });
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
    mutationFn: ({ data, key }: { data: FeedCreate; key: string }) => post<Feed>(SESSIONS.feeds, data, { "Idempotency-Key": key }),
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
    mutationFn: (id: number) => post<Feed>(SESSIONS.feedRefresh(id)),
    onSuccess: (feed) => {
      qc.setQueryData<Feed[]>(sessionKeys.feeds, (list) => upsertFeed(list, feed));
      void qc.invalidateQueries({ queryKey: ["sessions", "agenda"] });
      void qc.invalidateQueries({ queryKey: ["sessions", "free-slots"] });
    },
  });
}

/** Remove a feed and the timetable items it imported. */
export function useDeleteFeed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => del<null>(SESSIONS.feed(id)),
    onSuccess: (_, id) => {
      qc.setQueryData<Feed[]>(sessionKeys.feeds, (list) => list?.filter((f) => f.id !== id));
      void qc.invalidateQueries({ queryKey: sessionKeys.feeds });
      void qc.invalidateQueries({ queryKey: ["sessions", "agenda"] });
      void qc.invalidateQueries({ queryKey: ["sessions", "free-slots"] });
    },
  });
}

export function useWebhooks() {
  return useQuery({
    queryKey: sessionKeys.webhooks,
    queryFn: ({ signal }) => get<WebhookEndpoint[]>(SESSIONS.webhooks, undefined, signal),
  });
}

export function useWebhookDeliveries(id: number | null) {
  return useQuery({
    queryKey: ["sessions", "webhook-deliveries", id],
    queryFn: ({ signal }) => get<WebhookDelivery[]>(SESSIONS.webhookDeliveries, { endpoint_id: id }, signal),
    enabled: id !== null,
  });
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: { url: string; events: string[]; description: string | null }) => post<WebhookEndpoint>(SESSIONS.webhooks, data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.webhooks }),
  });
}

export function useToggleWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, on }: { id: number; on: boolean }) => post<WebhookEndpoint>(SESSIONS.webhookToggle(id, on)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: sessionKeys.webhooks }),
  });
}

export function useReplayDelivery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => post<WebhookDelivery>(SESSIONS.replay(id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["sessions", "webhook-deliveries"] }),
  });
}
