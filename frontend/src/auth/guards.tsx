import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "./AuthContext";
import type { Role } from "../api/types";
import { FullPageLoader } from "../components/Loader";
import { Page } from "../components/Page";
import { EmptyState } from "../components/EmptyState";

/** Where to go after signing in: only same-app paths, never another origin. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return "/";
  return next;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, user, userError, reloadUser, signOutReason } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();

  if (status === "restoring") return <FullPageLoader label={t("auth.restoring")} />;
  if (status === "signedOut") {
    const next = location.pathname + location.search + location.hash;
    // After a deliberate sign-out, start afresh; otherwise come back here after signing in.
    const to = next === "/" || signOutReason === "signedOut" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
    return <Navigate to={to} replace />;
  }
  if (!user && userError) {
    return (
      <main className="centered-page" id="main">
        <EmptyState
          title={t("errors.profileTitle")}
          body={t("errors.profileBody")}
          action={
            <button type="button" className="button button--primary" onClick={reloadUser}>
              {t("actions.retry")}
            </button>
          }
        />
      </main>
    );
  }
  if (!user) return <FullPageLoader label={t("auth.loadingProfile")} />;
  return <>{children}</>;
}

export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const { hasRole } = useAuth();
  const { t } = useTranslation();
  if (!hasRole(role)) {
    return (
      <Page title={t("errors.forbiddenTitle")}>
        <EmptyState title={t("errors.forbiddenTitle")} body={t("errors.forbiddenBody", { role: t(`roles.${role}.name`) })} />
      </Page>
    );
  }
  return <>{children}</>;
}
