import { lazy } from "react";
import { Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import NotFoundPage from "../NotFoundPage";
import { TutorHome } from "./TutorHome";

const RequestsPage = lazy(() => import("./RequestsPage"));
const TutorSessionsPage = lazy(() => import("./TutorSessionsPage"));
const TutorProfilePage = lazy(() => import("./TutorProfilePage"));
const PortfolioPage = lazy(() => import("./PortfolioPage"));
const ReflectionPage = lazy(() => import("./ReflectionPage"));
const PastSessionsPage = lazy(() => import("../learner/PastSessionsPage"));

function TutorPast() {
  const { t } = useTranslation();
  return <PastSessionsPage base="/tutor/reflect" title={t("tutorPast.title")} lead={t("tutorPast.lead")} />;
}

/** The tutor area: lazy-loaded as one chunk. */
export default function TutorArea() {
  return (
    <Routes>
      <Route index element={<TutorHome />} />
      <Route path="requests" element={<RequestsPage />} />
      <Route path="sessions" element={<TutorSessionsPage />} />
      <Route path="past" element={<TutorPast />} />
      <Route path="reflect/:sessionId" element={<ReflectionPage />} />
      <Route path="profile" element={<TutorProfilePage />} />
      <Route path="portfolio" element={<PortfolioPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
