import { useTranslation } from "react-i18next";

/** The twelve stages of training (six years, then residency) as <option>s. */
export function StageOptions() {
  const { t } = useTranslation();
  return (
    <>
      {Array.from({ length: 12 }, (_, i) => i + 1).map((s) => (
        <option key={s} value={s}>
          {s <= 6 ? t("onboarding.year", { n: s }) : t("onboarding.resident", { n: s - 6 })}
        </option>
      ))}
    </>
  );
}
