import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useNotifications } from "../api/notifications";
import { BellIcon } from "./icons";

export function NotificationsBell() {
  const { t } = useTranslation();
  const { unread } = useNotifications();
  return (
    <Link to="/notifications" className="bell" aria-label={t("notifications.bell", { count: unread })}>
      <BellIcon />
      {unread > 0 ? (
        <span className="bell__count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
