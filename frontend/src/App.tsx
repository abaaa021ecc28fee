import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { RequireAuth, RequireRole } from "./auth/guards";
import { AppShell } from "./components/AppShell";
import { FullPageLoader } from "./components/Loader";
import { SignInPage } from "./routes/sign-in/SignInPage";

// Every screen behind sign-in is its own chunk; the first page only loads the shell.
const HomePage = lazy(() => import("./routes/home/HomePage"));
const ProfilePage = lazy(() => import("./routes/profile/ProfilePage"));
const LearnerArea = lazy(() => import("./routes/learner"));
const TutorArea = lazy(() => import("./routes/tutor"));
const SupervisorArea = lazy(() => import("./routes/supervisor"));
const AdminArea = lazy(() => import("./routes/admin"));
const NotificationsPage = lazy(() => import("./routes/notifications/NotificationsPage"));
const NotFoundPage = lazy(() => import("./routes/NotFoundPage"));

export function App() {
  return (
    <Suspense fallback={<FullPageLoader />}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route
          element={
            <RequireAuth>
              <AppShell />
            </RequireAuth>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="notifications" element={<NotificationsPage />} />
          <Route
            path="learner/*"
            element={
              <RequireRole role="learner">
                <LearnerArea />
              </RequireRole>
            }
          />
          <Route
            path="tutor/*"
            element={
              <RequireRole role="tutor">
                <TutorArea />
              </RequireRole>
            }
          />
          <Route
            path="supervisor/*"
            element={
              <RequireRole role="supervisor">
                <SupervisorArea />
              </RequireRole>
            }
          />
          <Route
            path="admin/*"
            element={
              <RequireRole role="admin">
                <AdminArea />
              </RequireRole>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
