import { useTranslation } from "react-i18next";
import { useFlags } from "../../api/feedback";
import { LinkCards } from "../../components/LinkCards";
import { Page } from "../../components/Page";

export function SupervisorHome() {
  const { t } = useTranslation();
  const flags = useFlags("open");
  const open = flags.data?.length ?? 0;
  return (
    <Page title={t("roles.supervisor.area")} subtitle={t("roles.supervisor.description")}>
      <LinkCards
        items={[
          { to: "flags", title: t("flags.title"), body: t("flags.card"), badge: open || undefined },
          { to: "approvals", title: t("approvals.title"), body: t("approvals.card") },
          { to: "observe", title: t("observe.title"), body: t("observe.card") },
          { to: "report", title: t("report.title"), body: t("report.card") },
        ]}
      />
    </Page>
  );
}
