import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";
import type { Schema } from "./types";

/* Matching service: every call goes through the typed client, so paths, bodies and answers come from schema.d.ts. */

export type TopicKind = Schema<"TopicKind">;
export type Format = Schema<"Format">;
export const FORMATS = ["one_to_one_in_person", "one_to_one_online", "group_in_person", "group_online"] as const satisfies readonly Format[];
/** Languages a learner or tutor can say they speak (profiles of both roles). */
export const SPOKEN_LANGUAGES = ["fr", "en", "ar", "es", "de"] as const;
export type ApprovalStatus = Schema<"ApprovalStatus">;
export type RequestStatus = Schema<"RequestStatus">;
export type RunStatus = Schema<"RunStatus">;
export type Topic = Schema<"TopicPublic">;
export type WantedTopic = Schema<"WantedTopic">;
export type LearnerProfileIn = Schema<"LearnerProfileIn">;
export type LearnerProfile = Schema<"LearnerProfilePublic">;
export type TutorProfileIn = Schema<"TutorProfileIn">;
export type TutorProfile = Schema<"TutorProfilePublic">;
export type Breakdown = Schema<"Breakdown">;
export const CRITERIA = ["topic_fit", "stage_gap", "shared_free_time", "format", "language", "load", "quality"] as const satisfies readonly (keyof Breakdown)[];
export type Criterion = (typeof CRITERIA)[number];
export type Suggestion = Schema<"Suggestion">;
export type MatchRequest = Schema<"MatchRequestPublic">;
export type Approval = Schema<"ApprovalPublic">;
export type Exclusion = Schema<"ExclusionPublic">;
export type RunCreate = Schema<"RunCreate">;
export type Run = Schema<"RunPublic">;

export const matchingKeys = {
  all: ["matching"] as const,
  topics: ["matching", "topics"] as const,
  learnerMe: ["matching", "learner", "me"] as const,
  tutorMe: ["matching", "tutor", "me"] as const,
  tutors: (topicId: number | null) => ["matching", "tutors", topicId] as const,
  name: (kind: "tutor" | "learner", id: string | null) => ["matching", "name", kind, id] as const,
  allSuggestions: ["matching", "suggestions"] as const,
  suggestions: (topicId: number) => ["matching", "suggestions", topicId] as const,
  allRequests: ["matching", "requests"] as const,
  requests: (role: string) => ["matching", "requests", role] as const,
  allApprovals: ["matching", "approvals"] as const,
  approvals: (status: string, tutorId: string) => ["matching", "approvals", status, tutorId] as const,
  allApproval: ["matching", "approval"] as const,
  approval: (id: number) => ["matching", "approval", id] as const,
  runs: ["matching", "runs"] as const,
  run: (id: number) => ["matching", "run", id] as const,
  exclusions: ["matching", "exclusions"] as const,
};

export function useTopics() {
  return useQuery({
    queryKey: matchingKeys.topics,
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/topics", { signal })),
    staleTime: 10 * 60_000,
  });
}

/** Topic names by id, for lists that only carry ids. */
export function useTopicNames(): (id: number) => string {
  const { data } = useTopics();
  return (id) => data?.find((t) => t.id === id)?.name ?? `#${id}`;
}

export function useLearnerProfile() {
  return useQuery({
    queryKey: matchingKeys.learnerMe,
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/learners/me", { signal })),
    retry: false,
  });
}

export function useSaveLearnerProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LearnerProfileIn) => unwrap(api.PUT("/api/matching/learners/me", { body })),
    onSuccess: (profile) => {
      qc.setQueryData(matchingKeys.learnerMe, profile);
      void qc.invalidateQueries({ queryKey: matchingKeys.allSuggestions });
    },
  });
}

export function useTutorProfile() {
  return useQuery({
    queryKey: matchingKeys.tutorMe,
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/tutors/me", { signal })),
    retry: false,
  });
}

export function useSaveTutorProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TutorProfileIn) => unwrap(api.PUT("/api/matching/tutors/me", { body })),
    onSuccess: (profile) => qc.setQueryData(matchingKeys.tutorMe, profile),
  });
}

export function useSuggestions(topicId: number | null) {
  return useQuery({
    queryKey: matchingKeys.suggestions(topicId ?? 0),
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/suggestions", { params: { query: { topic_id: topicId! } }, signal })),
    enabled: topicId !== null,
    placeholderData: keepPreviousData,
  });
}

export function useRequests(role: "learner" | "tutor") {
  return useQuery({
    queryKey: matchingKeys.requests(role),
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/requests", { params: { query: { role } }, signal })),
    refetchInterval: 30_000,
  });
}

export function useCreateRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<"MatchRequestCreate">) => unwrap(api.POST("/api/matching/requests", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.allRequests }),
  });
}

export function useRequestAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action, reason }: { id: number; action: "accept" | "decline" | "cancel"; reason?: string | null }) => {
      const params = { path: { request_id: id } };
      if (action === "accept") return unwrap(api.POST("/api/matching/requests/{request_id}/accept", { params }));
      if (action === "decline")
        return unwrap(api.POST("/api/matching/requests/{request_id}/decline", { params, body: { reason: reason || null } }));
      return unwrap(api.POST("/api/matching/requests/{request_id}/cancel", { params }));
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.all }),
  });
}

export function useApprovals(status: ApprovalStatus | "all", tutorId?: string) {
  return useQuery({
    queryKey: matchingKeys.approvals(status, tutorId ?? ""),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/matching/approvals", {
          params: { query: { status: status === "all" ? undefined : status, tutor_id: tutorId } },
          signal,
        }),
      ),
  });
}

export function useApproval(id: number | null) {
  return useQuery({
    queryKey: matchingKeys.approval(id ?? 0),
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/approvals/{approval_id}", { params: { path: { approval_id: id! } }, signal })),
    enabled: id !== null,
  });
}

export function useCreateApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<"ApprovalCreate">) => unwrap(api.POST("/api/matching/approvals", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.allApprovals }),
  });
}

export function useTransitionApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status, reason }: { id: number; status: ApprovalStatus; reason: string }) =>
      unwrap(api.POST("/api/matching/approvals/{approval_id}/transition", { params: { path: { approval_id: id } }, body: { status, reason } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: matchingKeys.allApprovals });
      void qc.invalidateQueries({ queryKey: matchingKeys.allApproval });
    },
  });
}

export function useRuns() {
  return useQuery({
    queryKey: matchingKeys.runs,
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/runs", { signal })),
  });
}

const RUNNING: RunStatus[] = ["queued", "running"];

/** A run, polled every second while it is queued or running. */
export function useRun(id: number | null) {
  return useQuery({
    queryKey: matchingKeys.run(id ?? 0),
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/runs/{run_id}", { params: { path: { run_id: id! } }, signal })),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && RUNNING.includes(query.state.data.status) ? 1000 : false),
  });
}

export function useStartRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RunCreate) => unwrap(api.POST("/api/matching/runs", { body })),
    onSuccess: (run) => {
      qc.setQueryData(matchingKeys.run(run.id), run);
      void qc.invalidateQueries({ queryKey: matchingKeys.runs });
    },
  });
}

export function useRunAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: "publish" | "rollback" }) => {
      const params = { path: { run_id: id } };
      return action === "publish"
        ? unwrap(api.POST("/api/matching/runs/{run_id}/publish", { params }))
        : unwrap(api.POST("/api/matching/runs/{run_id}/rollback", { params }));
    },
    onSuccess: (run) => {
      qc.setQueryData(matchingKeys.run(run.id), run);
      void qc.invalidateQueries({ queryKey: matchingKeys.runs });
    },
  });
}

export function useExclusions() {
  return useQuery({
    queryKey: matchingKeys.exclusions,
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/exclusions", { signal })),
  });
}

export function useCreateExclusion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<"ExclusionCreate">) => unwrap(api.POST("/api/matching/exclusions", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.exclusions }),
  });
}

export function useDeleteExclusion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/matching/exclusions/{exclusion_id}", { params: { path: { exclusion_id: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.exclusions }),
  });
}

/** Display name of a tutor or learner from their matching profile (ids are all requests carry). */
export function usePersonName(kind: "tutor" | "learner", id: string | null) {
  return useQuery({
    queryKey: matchingKeys.name(kind, id),
    queryFn: async ({ signal }) => {
      const params = { path: { user_id: id! } };
      const profile =
        kind === "tutor"
          ? await unwrap(api.GET("/api/matching/tutors/{user_id}", { params, signal }))
          : await unwrap(api.GET("/api/matching/learners/{user_id}", { params, signal }));
      return profile.display_name;
    },
    enabled: id !== null,
    staleTime: 10 * 60_000,
    retry: false,
  });
}

export function usePauseTutor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (paused_until: string | null) => unwrap(api.POST("/api/matching/tutors/me/pause", { body: { paused_until } })),
    onSuccess: (profile) => qc.setQueryData(matchingKeys.tutorMe, profile),
  });
}

export function useTutors(topicId?: number) {
  return useQuery({
    queryKey: matchingKeys.tutors(topicId ?? null),
    queryFn: ({ signal }) => unwrap(api.GET("/api/matching/tutors", { params: { query: { topic_id: topicId } }, signal })),
    staleTime: 60_000,
  });
}
