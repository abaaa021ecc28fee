import { Route, Routes } from "react-router";
import NotFoundPage from "../NotFoundPage";
import { AdminHome } from "./AdminHome";

/** The admin area: lazy-loaded as one chunk; add its screens as nested routes here. */
export default function AdminArea() {
  return (
    <Routes>
      <Route index element={<AdminHome />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
