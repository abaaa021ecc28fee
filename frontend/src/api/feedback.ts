import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, path, post, put, type Schema } from "./http";

/* Feedback service: shapes mirror services/feedback/feedback/models.py and api/routes/*.py. */
export const FEEDBACK = {
  sessions: path("/api/feedback/sessions"),
  session: (id: string) => path("/api/feedback/sessions/{session_id}", { session_id: id }),
  ratings: (id: string) => path("/api/feedback/sessions/{session_id}/ratings", { session_id: id }),
  myRating: (id: string) => path("/api/feedback/sessions/{session_id}/ratings/me", { session_id: id }),
  ratingSummary: (id: string) => path("/api/feedback/sessions/{session_id}/ratings/summary", { session_id: id }),
  reflection: (id: string) => path("/api/feedback/sessions/{session_id}/reflection", { session_id: id }),
  observations: (id: string) => path("/api/feedback/sessions/{session_id}/observations", { session_id: id }),
  assessments: path("/api/feedback/assessments"),
  myAssessments: path("/api/feedback/assessments/me"),
  flags: path("/api/feedback/flags"),
  flagAction: (id: number, action: "dismiss" | "confirm") =>
    action === "dismiss" ? path("/api/feedback/flags/{flag_id}/dismiss", { flag_id: id }) : path("/api/feedback/flags/{flag_id}/confirm", { flag_id: id }),
  erratum: (id: number) => path("/api/feedback/errata/{erratum_id}", { erratum_id: id }),
  erratumContent: (id: number) => path("/api/feedback/errata/{erratum_id}/content", { erratum_id: id }),
  acknowledge: (id: number) => path("/api/feedback/errata/{erratum_id}/acknowledge", { erratum_id: id }),
  endorsements: path("/api/feedback/endorsements"),
  report: path("/api/feedback/reports/programme"),
  portfolio: (tutorId: string) => path("/api/feedback/portfolio/{tutor_id}", { tutor_id: tutorId }),
  certificate: (tutorId: string) => path("/api/feedback/portfolio/{tutor_id}/certificate", { tutor_id: tutorId }),
  notifications: path("/api/feedback/notifications"),
} as const;

export type SessionFact = Schema<"SessionFactPublic">;
export const RATING_CRITERIA = ["clarity", "accuracy", "usefulness", "tutor_approach"] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];
export type RatingIn = Schema<"RatingCreate">;
export type OwnRating = Schema<"RatingOwnPublic">;
export type Assessment = Schema<"AssessmentPublic">;
export type Trajectory = Schema<"Trajectory">;
export type FlagStatus = Schema<"FlagStatus">;
export type Flag = Schema<"FlagPublic">;
export type Erratum = Schema<"ErratumPublic">;
export type ErratumDetail = Schema<"ErratumDetail">;
export type RatingAggregate = Schema<"RatingAggregate">;
export type PairedChange = Schema<"PairedChange">;
export type ProgrammeReport = Schema<"ProgrammeReport">;
export type Observation = Schema<"ObservationPublic">;
export type Endorsement = Schema<"EndorsementPublic">;
export type Portfolio = Schema<"Portfolio">;

export const feedbackKeys = {
  sessions: ["feedback", "sessions"] as const,
  myRating: (id: string) => ["feedback", "rating", id] as const,
  trajectory: ["feedback", "trajectory"] as const,
  flags: (status: string) => ["feedback", "flags", status] as const,
  erratum: (id: number) => ["feedback", "erratum", id] as const,
  erratumContent: (id: number) => ["feedback", "erratum-content", id] as const,
  report: (filters: object) => ["feedback", "report", filters] as const,
  portfolio: (id: string) => ["feedback", "portfolio", id] as const,
};

/** Completed sessions the caller took part in (as attendee or tutor). */
export function useFeedbackSessions() {
  return useQuery({
    queryKey: feedbackKeys.sessions,
    queryFn: ({ signal }) => get<SessionFact[]>(FEEDBACK.sessions, undefined, signal),
  });
}

export function useMyRating(sessionId: string) {
  return useQuery({
    queryKey: feedbackKeys.myRating(sessionId),
    queryFn: async ({ signal }) => {
      try {
        return await get<OwnRating>(FEEDBACK.myRating(sessionId), undefined, signal);
      } catch (e) {
        if ((e as { code?: string }).code === "rating_not_found") return null;
        throw e;
      }
    },
  });
}

export function useSaveRating(sessionId: string, existing: boolean) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: RatingIn) =>
      existing ? put<OwnRating>(FEEDBACK.myRating(sessionId), data) : post<OwnRating>(FEEDBACK.ratings(sessionId), data),
    onSuccess: (rating) => qc.setQueryData(feedbackKeys.myRating(sessionId), rating),
  });
}

export function useTrajectory() {
  return useQuery({
    queryKey: feedbackKeys.trajectory,
    queryFn: ({ signal }) => get<Trajectory[]>(FEEDBACK.myAssessments, undefined, signal),
  });
}

export function useCreateAssessment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (data: Schema<"AssessmentCreate">) =>
      post<Assessment>(FEEDBACK.assessments, data),
    onSuccess: () => void qc.invalidateQueries({ queryKey: feedbackKeys.trajectory }),
  });
}

export function useCreateFlag() {
  return useMutation({
    mutationFn: (data: Schema<"FlagCreate">) =>
      post<Flag>(FEEDBACK.flags, data),
  });
}

export function useFlags(status: FlagStatus) {
  return useQuery({
    queryKey: feedbackKeys.flags(status),
    queryFn: ({ signal }) => get<Flag[]>(FEEDBACK.flags, { status }, signal),
    refetchInterval: 60_000,
  });
}

export function useDismissFlag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, note }: { id: number; note: string }) => post<Flag>(FEEDBACK.flagAction(id, "dismiss"), { note }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["feedback", "flags"] }),
  });
}

export function useConfirmFlag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...data }: { id: number } & Schema<"FlagConfirm">) =>
      post<ErratumDetail>(FEEDBACK.flagAction(id, "confirm"), data),
    onSuccess: (erratum) => {
      qc.setQueryData(feedbackKeys.erratum(erratum.id), erratum);
      void qc.invalidateQueries({ queryKey: ["feedback", "flags"] });
    },
  });
}

export function useErratum(id: number | null) {
  return useQuery({
    queryKey: feedbackKeys.erratum(id ?? 0),
    queryFn: ({ signal }) => get<ErratumDetail>(FEEDBACK.erratum(id!), undefined, signal),
    enabled: id !== null,
  });
}

export function useErratumContent(id: number | null) {
  return useQuery({
    queryKey: feedbackKeys.erratumContent(id ?? 0),
    queryFn: ({ signal }) => get<Erratum>(FEEDBACK.erratumContent(id!), undefined, signal),
    enabled: id !== null,
  });
}

export function useAcknowledge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (erratumId: number) => post<{ erratum_id: number; acknowledged_at: string }>(FEEDBACK.acknowledge(erratumId)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

export function useReport(filters: { cohort?: string; topic_id?: number }) {
  return useQuery({
    queryKey: feedbackKeys.report(filters),
    queryFn: ({ signal }) => get<ProgrammeReport>(FEEDBACK.report, filters, signal),
  });
}

export function usePortfolio(tutorId: string | null) {
  return useQuery({
    queryKey: feedbackKeys.portfolio(tutorId ?? ""),
    queryFn: ({ signal }) => get<Portfolio>(FEEDBACK.portfolio(tutorId!), undefined, signal),
    enabled: tutorId !== null,
  });
}

export function useCreateReflection(sessionId: string) {
  return useMutation({
    mutationFn: (data: Schema<"ReflectionCreate">) =>
      post(FEEDBACK.reflection(sessionId), data),
  });
}

export function useCreateObservation(sessionId: string) {
  return useMutation({
    mutationFn: (data: Schema<"ObservationCreate">) =>
      post<Observation>(FEEDBACK.observations(sessionId), data),
  });
}

export function useCreateEndorsement() {
  return useMutation({
    mutationFn: (data: Schema<"EndorsementCreate">) =>
      post<Endorsement>(FEEDBACK.endorsements, data),
  });
}
