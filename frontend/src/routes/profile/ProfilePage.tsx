import { useTranslation } from "react-i18next";
import { useAuth } from "../../auth/AuthContext";
import { LanguageSwitch } from "../../components/LanguageSwitch";
import { Page } from "../../components/Page";
import { RoleBadge } from "../../components/RoleBadge";
import { SignOutIcon } from "../../components/icons";
import { useFormat } from "../../lib/useFormat";

export default function ProfilePage() {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const fmt = useFormat();
  if (!user) return null;

  return (
    <Page title={t("profile.title")}>
      <section className="panel" aria-labelledby="profile-account">
        <h2 className="panel__title" id="profile-account">
          {t("profile.account")}
        </h2>
        <dl className="details">
          <div>
            <dt>{t("profile.fullName")}</dt>
            <dd>{user.full_name || "—"}</dd>
          </div>
          <div>
            <dt>{t("profile.username")}</dt>
            <dd>{user.username}</dd>
          </div>
          <div>
            <dt>{t("profile.email")}</dt>
            <dd>{user.email || "—"}</dd>
          </div>
          <div>
            <dt>{t("profile.roles")}</dt>
            <dd>
              {user.roles.length ? (
                <ul className="badge-list" aria-label={t("profile.roles")}>
                  {user.roles.map((role) => (
                    <li key={role}>
                      <RoleBadge role={role} />
                    </li>
                  ))}
                </ul>
              ) : (
                t("profile.noRoles")
              )}
            </dd>
          </div>
          <div>
            <dt>{t("profile.status")}</dt>
            <dd>{user.is_active ? t("profile.active") : t("profile.inactive")}</dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="profile-preferences">
        <h2 className="panel__title" id="profile-preferences">
          {t("profile.preferences")}
        </h2>
        <div className="setting">
          <div>
            <p className="setting__label" id="profile-language">
              {t("language.label")}
            </p>
            <p className="setting__hint">{t("profile.languageHint")}</p>
          </div>
          <LanguageSwitch />
        </div>
        <div className="setting">
          <div>
            <p className="setting__label">{t("profile.timeZone")}</p>
            <p className="setting__hint">{t("profile.timeZoneHint")}</p>
          </div>
          <p className="setting__value">
            {fmt.timeZone} ({fmt.zoneName()})
          </p>
        </div>
      </section>

      <button type="button" className="button button--secondary" onClick={() => void signOut()}>
        <SignOutIcon width={18} height={18} />
        {t("auth.signOut")}
      </button>
    </Page>
  );
}
