import { useTranslation } from "react-i18next";
import type { Role } from "../api/types";
import { EmptyState } from "./EmptyState";
import { Page } from "./Page";
import { NAV_ITEMS } from "./nav";

/** Stand-in home of a role area until its screens land. */
export function AreaPlaceholder({ role }: { role: Role }) {
  const { t } = useTranslation();
  const Icon = NAV_ITEMS.find((i) => i.role === role)?.icon;
  return (
    <Page title={t(`roles.${role}.area`)} subtitle={t(`roles.${role}.description`)}>
      <EmptyState
        icon={Icon ? <Icon width={32} height={32} /> : null}
        title={t("area.comingSoonTitle")}
        body={t("area.comingSoonBody")}
      />
    </Page>
  );
}
