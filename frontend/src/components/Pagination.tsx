import { useTranslation } from "react-i18next";

/** Previous / next page buttons with "page x of y (total)"; pages count from 1. */
export function Pagination({ page, total, pageSize, onPage }: { page: number; total: number; pageSize: number; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="row" aria-label={t("users.pagination")}>
      <button type="button" className="button button--secondary button--small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("users.prev")}
      </button>
      <span>{t("users.page", { page, pages, total })}</span>
      <button type="button" className="button button--secondary button--small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("users.next")}
      </button>
    </nav>
  );
}
