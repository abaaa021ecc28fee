import { lazy } from "react";
import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { SupervisorHome } from "./SupervisorHome";

const FlagQueuePage = lazy(() => import("./FlagQueuePage"));
const ApprovalsPage = lazy(() => import("./ApprovalsPage"));
const ReportPage = lazy(() => import("./ReportPage"));
const ObservationsPage = lazy(() => import("./ObservationsPage"));

/** The supervisor area: lazy-loaded as one chunk. */
export default function SupervisorArea() {
  return (
    <Routes>
      <Route index element={<SupervisorHome />} />
      <Route path="flags" element={<FlagQueuePage />} />
      <Route path="approvals" element={<ApprovalsPage />} />
      <Route path="observe" element={<ObservationsPage />} />
      <Route path="report" element={<ReportPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
