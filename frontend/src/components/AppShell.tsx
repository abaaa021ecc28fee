import { Suspense } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/AuthContext";
import { AccountMenu } from "./AccountMenu";
import { ErrorBoundary } from "./ErrorBoundary";
import { LanguageSwitch } from "./LanguageSwitch";
import { Spinner } from "./Loader";
import { LogoMark } from "./icons";
import { navItemsFor } from "./nav";
import { NotificationsBell } from "./NotificationsBell";

/**
 * Signed-in frame. Phones: top bar + bottom tab bar (thumb reach).
 * Wider screens: the same nav becomes a sidebar.
 */
export function AppShell() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const location = useLocation();
  const items = navItemsFor(user?.roles ?? []);

  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        {t("shell.skipToContent")}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <LogoMark />
          <span className="brand__name">{t("app.name")}</span>
        </Link>
        <div className="topbar__end">
          <NotificationsBell />
          <LanguageSwitch />
          <AccountMenu />
        </div>
      </header>
      <nav className="nav" aria-label={t("nav.label")}>
        <ul className="nav__list" data-count={items.length}>
          {items.map(({ to, label, icon: Icon, end }) => (
            <li key={to}>
              <NavLink to={to} end={end} className="nav__link">
                <Icon className="nav__icon" />
                <span className="nav__label">{t(label)}</span>
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Spinner />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
