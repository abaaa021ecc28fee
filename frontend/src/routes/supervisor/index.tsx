import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { SupervisorHome } from "./SupervisorHome";

/** The supervisor area: lazy-loaded as one chunk; add its screens as nested routes here. */
export default function SupervisorArea() {
  return (
    <Routes>
      <Route index element={<SupervisorHome />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
