import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { LearnerHome } from "./LearnerHome";

/** The learner area: lazy-loaded as one chunk; add its screens as nested routes here. */
export default function LearnerArea() {
  return (
    <Routes>
      <Route index element={<LearnerHome />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
