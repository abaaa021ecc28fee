import { lazy } from "react";
import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { LearnerHome } from "./LearnerHome";

const FindTutorPage = lazy(() => import("./FindTutorPage"));
const SessionsPage = lazy(() => import("./SessionsPage"));
const CalendarPage = lazy(() => import("./CalendarPage"));
const PastSessionsPage = lazy(() => import("./PastSessionsPage"));
const SessionFeedbackPage = lazy(() => import("./SessionFeedbackPage"));
const ProgressPage = lazy(() => import("./ProgressPage"));
const LearnerProfilePage = lazy(() => import("./LearnerProfilePage"));

/** The learner area: lazy-loaded as one chunk; add its screens as nested routes here. */
export default function LearnerArea() {
  return (
    <Routes>
      <Route index element={<LearnerHome />} />
      <Route path="find" element={<FindTutorPage />} />
      <Route path="sessions" element={<SessionsPage />} />
      <Route path="calendar" element={<CalendarPage />} />
      <Route path="past" element={<PastSessionsPage />} />
      <Route path="past/:sessionId" element={<SessionFeedbackPage />} />
      <Route path="progress" element={<ProgressPage />} />
      <Route path="profile" element={<LearnerProfilePage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
