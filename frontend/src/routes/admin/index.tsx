import { lazy } from "react";
import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { AdminHome } from "./AdminHome";

const RunsPage = lazy(() => import("./RunsPage"));
const UsersPage = lazy(() => import("./UsersPage"));
const IntegrationsPage = lazy(() => import("./IntegrationsPage"));
const AuditPage = lazy(() => import("./AuditPage"));

/** The admin area: lazy-loaded as one chunk. */
export default function AdminArea() {
  return (
    <Routes>
      <Route index element={<AdminHome />} />
      <Route path="runs" element={<RunsPage />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="integrations" element={<IntegrationsPage />} />
      <Route path="audit" element={<AuditPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
