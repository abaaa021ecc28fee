import { useEffect, useRef, type ReactNode } from "react";
import { useLocation } from "react-router";
import { useTranslation } from "react-i18next";

/**
 * A screen: sets the document title and, after in-app navigation, moves focus
 * to the heading so screen-reader and keyboard users land on the new content.
 */
export function Page({
  title,
  subtitle,
  actions,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title, t]);

  useEffect(() => {
    // "default" is the key of the first location: don't steal focus on load.
    if (location.key !== "default") heading.current?.focus({ preventScroll: false });
  }, [location.key]);

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1 className="page__title" tabIndex={-1} ref={heading}>
            {title}
          </h1>
          {subtitle ? <p className="page__subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="page__actions">{actions}</div> : null}
      </header>
      {children}
    </div>
  );
}
