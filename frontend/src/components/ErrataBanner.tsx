import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useNotifications } from "../api/notifications";

/** Corrections to something taught must be seen: a banner on the home page until acknowledged. */
export function ErrataBanner() {
  const { t } = useTranslation();
  const { items } = useNotifications();
  const count = items.filter((n) => n.erratumId !== null && !n.read_at).length;
  if (!count) return null;
  return (
    <div className="alert alert--erratum" role="status">
      <strong>{t("notifications.errataTitle", { count })}</strong> {t("notifications.errataLead")}{" "}
      <Link to="/notifications">{t("notifications.review")}</Link>
    </div>
  );
}
