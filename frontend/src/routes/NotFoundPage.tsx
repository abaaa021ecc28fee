import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { EmptyState } from "../components/EmptyState";
import { Page } from "../components/Page";

export default function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Page title={t("notFound.title")}>
      <EmptyState
        title={t("notFound.title")}
        body={t("notFound.body")}
        action={
          <Link className="button button--secondary" to="/">
            {t("notFound.home")}
          </Link>
        }
      />
    </Page>
  );
}
