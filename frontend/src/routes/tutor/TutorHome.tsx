import { useTranslation } from "react-i18next";
import { useRequests } from "../../api/matching";
import { LinkCards } from "../../components/LinkCards";
import { Page } from "../../components/Page";

export function TutorHome() {
  const { t } = useTranslation();
  const requests = useRequests("tutor");
  const pending = (requests.data ?? []).filter((r) => r.status === "pending").length;
  return (
    <Page title={t("roles.tutor.area")} subtitle={t("roles.tutor.description")}>
      <LinkCards
        items={[
          { to: "requests", title: t("incoming.title"), body: t("incoming.card"), badge: pending || undefined },
          { to: "sessions", title: t("teach.title"), body: t("teach.card") },
          { to: "past", title: t("tutorPast.title"), body: t("tutorPast.card") },
          { to: "profile", title: t("tutorProfile.title"), body: t("tutorProfile.card") },
          { to: "portfolio", title: t("portfolio.title"), body: t("portfolio.card") },
        ]}
      />
    </Page>
  );
}
