import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { TutorHome } from "./TutorHome";

/** The tutor area: lazy-loaded as one chunk; add its screens as nested routes here. */
export default function TutorArea() {
  return (
    <Routes>
      <Route index element={<TutorHome />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
