import { useTranslation } from "react-i18next";
import { LinkCards } from "../../components/LinkCards";
import { Page } from "../../components/Page";

export function AdminHome() {
  const { t } = useTranslation();
  return (
    <Page title={t("roles.admin.area")} subtitle={t("roles.admin.description")}>
      <LinkCards
        items={[
          { to: "runs", title: t("runs.title"), body: t("runs.card") },
          { to: "users", title: t("users.title"), body: t("users.card") },
          { to: "integrations", title: t("integrations.title"), body: t("integrations.card") },
          { to: "audit", title: t("audit.title"), body: t("audit.card") },
        ]}
      />
    </Page>
  );
}
