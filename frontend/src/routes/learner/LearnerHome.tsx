import { useTranslation } from "react-i18next";
import { Page } from "../../components/Page";
import { Link } from "react-router";
import { LinkCards } from "../../components/LinkCards";
import { isApiError } from "../../api/errors";
import { useLearnerProfile } from "../../api/matching";

export function LearnerHome() {
  const { t } = useTranslation();
  const profile = useLearnerProfile();
  const missing = isApiError(profile.error) && profile.error.status === 404;
  return (
    <Page title={t("roles.learner.area")} subtitle={t("roles.learner.description")}>
      {missing ? (
        <p className="notice">
          {t("find.needProfile")} <Link to="profile">{t("find.completeProfile")}</Link>
        </p>
      ) : null}
      <LinkCards
        items={[
          { to: "find", title: t("find.title"), body: t("find.card") },
          { to: "sessions", title: t("sessions.title"), body: t("sessions.card") },
          { to: "calendar", title: t("calendar.title"), body: t("calendar.card") },
          { to: "past", title: t("past.title"), body: t("past.card") },
          { to: "progress", title: t("progress.title"), body: t("progress.card") },
          { to: "profile", title: t("onboarding.editTitle"), body: t("onboarding.card") },
        ]}
      />
    </Page>
  );
}
