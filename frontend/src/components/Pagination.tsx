import { useTranslation } from "react-i18next";

/** Previous / next page buttons with "page x of y (total)"; pages count from 1. `summaryKey` names what is counted. */
export function Pagination({
  page,
  total,
  pageSize,
  onPage,
  summaryKey = "users.page",
}: {
  page: number;
  total: number;
  pageSize: number;
  onPage: (page: number) => void;
  summaryKey?: string;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="row" aria-label={t("users.pagination")}>
      <button type="button" className="button button--secondary button--small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("users.prev")}
      </button>
      <span>{t(summaryKey, { page, pages, total })}</span>
      <button type="button" className="button button--secondary button--small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("users.next")}
      </button>
    </nav>
  );
}
