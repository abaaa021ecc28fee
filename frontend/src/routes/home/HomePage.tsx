import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { NAV_ITEMS } from "../../components/nav";
import { useFormat } from "../../lib/useFormat";
import { ROLES } from "../../api/types";
import { ErrataBanner } from "../../components/ErrataBanner";

function greetingKey(hour: number): string {
  if (hour < 5 || hour >= 18) return "home.greetingEvening";
  if (hour < 12) return "home.greetingMorning";
  return "home.greetingAfternoon";
}

export default function HomePage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const fmt = useFormat();
  const now = new Date();
  const hour = Number(new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: fmt.timeZone }).format(now));
  const firstName = (user?.full_name || user?.username || "").split(/\s+/)[0] ?? "";
  const areas = ROLES.filter((r) => user?.roles.includes(r));

  return (
    <Page
      title={t(greetingKey(hour), { name: firstName })}
      subtitle={
        <>
          <time dateTime={now.toISOString()}>{fmt.longDate(now)}</time>
          {" · "}
          {t("home.facultyTime", { time: fmt.time(now), zone: fmt.zoneName(now) })}
        </>
      }
    >
      <ErrataBanner />
      <h2 className="section-title">{t("home.yourAreas")}</h2>
      {areas.length ? (
        <ul className="card-grid">
          {areas.map((role) => {
            const item = NAV_ITEMS.find((i) => i.role === role);
            const Icon = item?.icon;
            return (
              <li key={role}>
                <Link className="card card--link" to={item?.to ?? "/"}>
                  {Icon ? <Icon className="card__icon" /> : null}
                  <span className="card__title">{t(`roles.${role}.area`)}</span>
                  <span className="card__body">{t(`roles.${role}.description`)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t("home.noRoles")}</p>
      )}
    </Page>
  );
}
