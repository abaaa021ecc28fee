import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, path, post, put, type Schema } from "./http";

/*
 * Matching service: shapes mirror services/matching/matching/models.py.
 * Paths in one place (MATCHING) so the switch to generated types stays local.
 */
export const MATCHING = {
  topics: path("/api/matching/topics"),
  learnerMe: path("/api/matching/learners/me"),
  tutorMe: path("/api/matching/tutors/me"),
  tutorPause: path("/api/matching/tutors/me/pause"),
  learner: (id: string) => path("/api/matching/learners/{user_id}", { user_id: id }),
  tutor: (id: string) => path("/api/matching/tutors/{user_id}", { user_id: id }),
  suggestions: path("/api/matching/suggestions"),
  requests: path("/api/matching/requests"),
  requestAction: (id: number, action: "accept" | "decline" | "cancel") =>
    action === "accept"
      ? path("/api/matching/requests/{request_id}/accept", { request_id: id })
      : action === "decline"
        ? path("/api/matching/requests/{request_id}/decline", { request_id: id })
        : path("/api/matching/requests/{request_id}/cancel", { request_id: id }),
  pairings: path("/api/matching/pairings"),
  approvals: path("/api/matching/approvals"),
  approval: (id: number) => path("/api/matching/approvals/{approval_id}", { approval_id: id }),
  approvalTransitions: (id: number) => path("/api/matching/approvals/{approval_id}/transition", { approval_id: id }),
  exclusions: path("/api/matching/exclusions"),
  exclusion: (id: number) => path("/api/matching/exclusions/{exclusion_id}", { exclusion_id: id }),
  runs: path("/api/matching/runs"),
  run: (id: number) => path("/api/matching/runs/{run_id}", { run_id: id }),
  runAction: (id: number, action: "publish" | "rollback") =>
    action === "publish" ? path("/api/matching/runs/{run_id}/publish", { run_id: id }) : path("/api/matching/runs/{run_id}/rollback", { run_id: id }),
  notifications: path("/api/matching/notifications"),
} as const;

export type TopicKind = Schema<"TopicKind">;
export type Format = Schema<"Format">;
export const FORMATS: Format[] = ["one_to_one_in_person", "one_to_one_online", "group_in_person", "group_online"];
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
export type SuggestionList = Schema<"SuggestionList">;
export type MatchRequest = Schema<"MatchRequestPublic">;
export type Pairing = Schema<"PairingPublic">;
export type Approval = Schema<"ApprovalPublic">;
export type ApprovalDetail = Schema<"ApprovalDetail">;
export type Exclusion = Schema<"ExclusionPublic">;
export type RunCreate = Schema<"RunCreate">;
export type RunTotals = Schema<"RunTotals">;
export type RunResult = Schema<"RunResult">;
export type Run = Schema<"RunPublic">;

// ---- hooks ------------------------------------------------------------------------------------

export const matchingKeys = {
  all: ["matching"] as const,
  topics: ["matching", "topics"] as const,
  learnerMe: ["matching", "learner", "me"] as const,
  tutorMe: ["matching", "tutor", "me"] as const,
  suggestions: (topicId: number) => ["matching", "suggestions", topicId] as const,
  requests: (role: string) => ["matching", "requests", role] as const,
  approvals: (status: string) => ["matching", "approvals", status] as const,
  approval: (id: number) => ["matching", "approval", id] as const,
  runs: ["matching", "runs"] as const,
  run: (id: number) => ["matching", "run", id] as const,
  exclusions: ["matching", "exclusions"] as const,
};

export function useTopics() {
  return useQuery({
    queryKey: matchingKeys.topics,
    queryFn: ({ signal }) => get<Topic[]>(MATCHING.topics, undefined, signal),
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
    queryFn: ({ signal }) => get<LearnerProfile>(MATCHING.learnerMe, undefined, signal),
    retry: false,
  });
}

export function useSaveLearnerProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: LearnerProfileIn) => put<LearnerProfile>(MATCHING.learnerMe, data),
    onSuccess: (profile) => {
      qc.setQueryData(matchingKeys.learnerMe, profile);
      void qc.invalidateQueries({ queryKey: ["matching", "suggestions"] });
    },
  });
}

export function useTutorProfile() {
  return useQuery({
    queryKey: matchingKeys.tutorMe,
    queryFn: ({ signal }) => get<TutorProfile>(MATCHING.tutorMe, undefined, signal),
    retry: false,
  });
}

export function useSaveTutorProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: TutorProfileIn) => put<TutorProfile>(MATCHING.tutorMe, data),
    onSuccess: (profile) => qc.setQueryData(matchingKeys.tutorMe, profile),
  });
}

export function useSuggestions(topicId: number | null) {
  return useQuery({
    queryKey: matchingKeys.suggestions(topicId ?? 0),
    queryFn: ({ signal }) => get<SuggestionList>(MATCHING.suggestions, { topic_id: topicId }, signal),
    enabled: topicId !== null,
    placeholderData: keepPreviousData,
  });
}

export function useRequests(role: "learner" | "tutor") {
  return useQuery({
    queryKey: matchingKeys.requests(role),
    queryFn: ({ signal }) => get<MatchRequest[]>(MATCHING.requests, { role }, signal),
    refetchInterval: 30_000,
  });
}

export function useCreateRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: Schema<"MatchRequestCreate">) =>
      post<MatchRequest>(MATCHING.requests, data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["matching", "requests"] }),
  });
}

export function useRequestAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: number; action: "accept" | "decline" | "cancel"; reason?: string | null }) =>
      post<MatchRequest | Pairing>(MATCHING.requestAction(id, action), action === "decline" ? { reason: reason || null } : undefined),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["matching"] }),
  });
}

export function useApprovals(status: ApprovalStatus | "all", tutorId?: string) {
  return useQuery({
    queryKey: [...matchingKeys.approvals(status), tutorId ?? ""],
    queryFn: ({ signal }) => get<Approval[]>(MATCHING.approvals, { status: status === "all" ? undefined : status, tutor_id: tutorId }, signal),
  });
}

export function useApproval(id: number | null) {
  return useQuery({
    queryKey: matchingKeys.approval(id ?? 0),
    queryFn: ({ signal }) => get<ApprovalDetail>(MATCHING.approval(id!), undefined, signal),
    enabled: id !== null,
  });
}

export function useCreateApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: Schema<"ApprovalCreate">) =>
      post<Approval>(MATCHING.approvals, data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["matching", "approvals"] }),
  });
}

export function useTransitionApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status, reason }: { id: number; status: ApprovalStatus; reason: string }) =>
      post<ApprovalDetail>(MATCHING.approvalTransitions(id), { status, reason }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["matching", "approvals"] });
      void qc.invalidateQueries({ queryKey: ["matching", "approval"] });
    },
  });
}

export function useRuns() {
  return useQuery({
    queryKey: matchingKeys.runs,
    queryFn: ({ signal }) => get<Run[]>(MATCHING.runs, undefined, signal),
  });
}

const RUNNING: RunStatus[] = ["queued", "running"];

/** A run, polled every second while it is queued or running. */
export function useRun(id: number | null) {
  return useQuery({
    queryKey: matchingKeys.run(id ?? 0),
    queryFn: ({ signal }) => get<Run>(MATCHING.run(id!), undefined, signal),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && RUNNING.includes(query.state.data.status) ? 1000 : false),
  });
}

export function useStartRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: RunCreate) => post<Run>(MATCHING.runs, data),
    onSuccess: (run) => {
      qc.setQueryData(matchingKeys.run(run.id), run);
      void qc.invalidateQueries({ queryKey: matchingKeys.runs });
    },
  });
}

export function useRunAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: "publish" | "rollback" }) => post<Run>(MATCHING.runAction(id, action), {}),
    onSuccess: (run) => {
      qc.setQueryData(matchingKeys.run(run.id), run);
      void qc.invalidateQueries({ queryKey: matchingKeys.runs });
    },
  });
}

export function useExclusions() {
  return useQuery({
    queryKey: matchingKeys.exclusions,
    queryFn: ({ signal }) => get<Exclusion[]>(MATCHING.exclusions, undefined, signal),
  });
}

export function useCreateExclusion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: Schema<"ExclusionCreate">) => post<Exclusion>(MATCHING.exclusions, data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.exclusions }),
  });
}

export function useDeleteExclusion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => del<null>(MATCHING.exclusion(id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: matchingKeys.exclusions }),
  });
}

/** Display name of a tutor or learner from their matching profile (ids are all requests carry). */
export function usePersonName(kind: "tutor" | "learner", id: string | null) {
  return useQuery({
    queryKey: ["matching", "name", kind, id],
    queryFn: async ({ signal }) => {
      const profile = await get<{ display_name: string }>(kind === "tutor" ? MATCHING.tutor(id!) : MATCHING.learner(id!), undefined, signal);
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
    mutationFn: (paused_until: string | null) => post<TutorProfile>(MATCHING.tutorPause, { paused_until }),
    onSuccess: (profile) => qc.setQueryData(matchingKeys.tutorMe, profile),
  });
}

export function useTutors(topicId?: number) {
  return useQuery({
    queryKey: ["matching", "tutors", topicId ?? null],
    queryFn: ({ signal }) => get<TutorProfile[]>(path("/api/matching/tutors"), { topic_id: topicId }, signal),
    staleTime: 60_000,
  });
}
