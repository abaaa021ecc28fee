import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { isApiError, unwrap } from "./errors";
import type { QueryOf, Schema } from "./types";
import { notificationKeys } from "./notifications";

/* Feedback service: every call goes through the typed client, so paths, bodies and answers come from schema.d.ts. */

export type SessionFact = Schema<"SessionFactPublic">;
export const RATING_CRITERIA = ["clarity", "accuracy", "usefulness", "tutor_approach"] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];
export type RatingIn = Schema<"RatingCreate">;
export type OwnRating = Schema<"RatingOwnPublic">;
export type Trajectory = Schema<"Trajectory">;
export type FlagStatus = Schema<"FlagStatus">;
export type Flag = Schema<"FlagPublic">;
export type PairedChange = Schema<"PairedChange">;

export type ReportFilters = Omit<QueryOf<"/api/feedback/reports/programme", "get">, "format">;

export const feedbackKeys = {
  sessions: ["feedback", "sessions"] as const,
  session: (id: string) => ["feedback", "session", id] as const,
  myRating: (id: string) => ["feedback", "rating", id] as const,
  trajectory: ["feedback", "trajectory"] as const,
  allFlags: ["feedback", "flags"] as const,
  flags: (status: string) => ["feedback", "flags", status] as const,
  erratum: (id: number) => ["feedback", "erratum", id] as const,
  erratumContent: (id: number) => ["feedback", "erratum-content", id] as const,
  report: (filters: ReportFilters) => ["feedback", "report", filters] as const,
  portfolio: (id: string) => ["feedback", "portfolio", id] as const,
};

/** Completed sessions the caller took part in (as attendee or tutor). */
export function useFeedbackSessions() {
  return useQuery({
    queryKey: feedbackKeys.sessions,
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/sessions", { signal })),
  });
}

/** One completed session the caller took part in. */
export function useFeedbackSession(sessionId: string) {
  return useQuery({
    queryKey: feedbackKeys.session(sessionId),
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/sessions/{session_id}", { params: { path: { session_id: sessionId } }, signal })),
  });
}

export function useMyRating(sessionId: string) {
  return useQuery({
    queryKey: feedbackKeys.myRating(sessionId),
    queryFn: async ({ signal }) => {
      try {
        return await unwrap(api.GET("/api/feedback/sessions/{session_id}/ratings/me", { params: { path: { session_id: sessionId } }, signal }));
      } catch (e) {
        if (isApiError(e) && e.code === "rating_not_found") return null;
        throw e;
      }
    },
  });
}

export function useSaveRating(sessionId: string, existing: boolean) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RatingIn) => {
      const params = { path: { session_id: sessionId } };
      return existing
        ? unwrap(api.PUT("/api/feedback/sessions/{session_id}/ratings/me", { params, body }))
        : unwrap(api.POST("/api/feedback/sessions/{session_id}/ratings", { params, body }));
    },
    onSuccess: (rating) => qc.setQueryData(feedbackKeys.myRating(sessionId), rating),
  });
}

export function useTrajectory() {
  return useQuery({
    queryKey: feedbackKeys.trajectory,
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/assessments/me", { signal })),
  });
}

export function useCreateAssessment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schema<"AssessmentCreate">) => unwrap(api.POST("/api/feedback/assessments", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: feedbackKeys.trajectory }),
  });
}

export function useCreateFlag() {
  return useMutation({
    mutationFn: (body: Schema<"FlagCreate">) => unwrap(api.POST("/api/feedback/flags", { body })),
  });
}

export function useFlags(status: FlagStatus) {
  return useQuery({
    queryKey: feedbackKeys.flags(status),
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/flags", { params: { query: { status } }, signal })),
    refetchInterval: 60_000,
  });
}

export function useDismissFlag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, note }: { id: number; note: string }) =>
      unwrap(api.POST("/api/feedback/flags/{flag_id}/dismiss", { params: { path: { flag_id: id } }, body: { note } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: feedbackKeys.allFlags }),
  });
}

export function useConfirmFlag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number } & Schema<"FlagConfirm">) =>
      unwrap(api.POST("/api/feedback/flags/{flag_id}/confirm", { params: { path: { flag_id: id } }, body })),
    onSuccess: (erratum) => {
      qc.setQueryData(feedbackKeys.erratum(erratum.id), erratum);
      void qc.invalidateQueries({ queryKey: feedbackKeys.allFlags });
    },
  });
}

export function useErratum(id: number | null) {
  return useQuery({
    queryKey: feedbackKeys.erratum(id ?? 0),
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/errata/{erratum_id}", { params: { path: { erratum_id: id! } }, signal })),
    enabled: id !== null,
  });
}

export function useErratumContent(id: number | null) {
  return useQuery({
    queryKey: feedbackKeys.erratumContent(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/feedback/errata/{erratum_id}/content", { params: { path: { erratum_id: id! } }, signal })),
    enabled: id !== null,
  });
}

export function useAcknowledge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (erratumId: number) =>
      unwrap(api.POST("/api/feedback/errata/{erratum_id}/acknowledge", { params: { path: { erratum_id: erratumId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useReport(filters: ReportFilters) {
  return useQuery({
    queryKey: feedbackKeys.report(filters),
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/reports/programme", { params: { query: filters }, signal })),
  });
}

/** The programme report as CSV text. */
export function fetchReportCsv(cohort: string | undefined): Promise<string> {
  return unwrap(
    api.GET("/api/feedback/reports/programme", {
      params: { query: { cohort, format: "csv" } },
      headers: { Accept: "text/csv" },
      parseAs: "text",
    }),
  );
}

export function usePortfolio(tutorId: string | null) {
  return useQuery({
    queryKey: feedbackKeys.portfolio(tutorId ?? ""),
    queryFn: ({ signal }) => unwrap(api.GET("/api/feedback/portfolio/{tutor_id}", { params: { path: { tutor_id: tutorId! } }, signal })),
    enabled: tutorId !== null,
  });
}

/** A tutor's certificate as an HTML page. */
export function fetchCertificate(tutorId: string, name: string | undefined): Promise<string> {
  return unwrap(
    api.GET("/api/feedback/portfolio/{tutor_id}/certificate", {
      params: { path: { tutor_id: tutorId }, query: { name } },
      headers: { Accept: "text/html" },
      parseAs: "text",
    }),
  );
}

export function useCreateReflection(sessionId: string) {
  return useMutation({
    mutationFn: (body: Schema<"ReflectionCreate">) =>
      unwrap(api.POST("/api/feedback/sessions/{session_id}/reflection", { params: { path: { session_id: sessionId } }, body })),
  });
}

export function useCreateObservation() {
  return useMutation({
    mutationFn: ({ sessionId, ...body }: { sessionId: string } & Schema<"ObservationCreate">) =>
      unwrap(api.POST("/api/feedback/sessions/{session_id}/observations", { params: { path: { session_id: sessionId } }, body })),
  });
}

export function useCreateEndorsement() {
  return useMutation({
    mutationFn: (body: Schema<"EndorsementCreate">) => unwrap(api.POST("/api/feedback/endorsements", { body })),
  });
}
