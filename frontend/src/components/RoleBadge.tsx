import { useTranslation } from "react-i18next";
import type { Role } from "../api/types";

export function RoleBadge({ role }: { role: Role }) {
  const { t } = useTranslation();
  return <span className={`badge badge--${role}`}>{t(`roles.${role}.name`)}</span>;
}
