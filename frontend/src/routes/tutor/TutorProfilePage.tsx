import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/errors";
import { FORMATS, useApprovals, useSaveTutorProfile, useTopics, useTutorProfile, type Format, type TutorProfile } from "../../api/matching";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { CheckboxGroup, ErrorAlert, SelectField, useFormErrors } from "../../components/forms";
import { TextField } from "../../components/TextField";
import { Spinner } from "../../components/Loader";
import { LANGUAGES } from "../learner/LearnerProfilePage";

export default function TutorProfilePage() {
  const { t } = useTranslation();
  const profile = useTutorProfile();
  const notFound = isApiError(profile.error) && profile.error.status === 404;
  if (profile.isLoading) return <Spinner />;
  return (
    <Page title={t("tutorProfile.title")} subtitle={t("tutorProfile.lead")}>
      {profile.error && !notFound ? <ErrorAlert error={profile.error} /> : null}
      <TutorForm existing={profile.data} />
    </Page>
  );
}

function TutorForm({ existing }: { existing?: TutorProfile }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const topics = useTopics();
  const approvals = useApprovals("all", user ? String(user.id) : undefined);
  const save = useSaveTutorProfile();
  const [stage, setStage] = useState(String(existing?.stage ?? ""));
  const [capacity, setCapacity] = useState(String(existing?.capacity ?? 2));
  const [paused, setPaused] = useState(existing?.paused_until ?? "");
  const [formats, setFormats] = useState<Format[]>(existing?.formats ?? []);
  const [languages, setLanguages] = useState<string[]>(existing?.languages ?? ["fr"]);
  const [mine, setMine] = useState<number[]>(existing?.topics ?? []);
  const errors = useFormErrors(save.error, ["stage", "capacity", "paused_until", "formats", "languages", "topics"]);
  const approvalOf = (topicId: number) =>
    approvals.data?.find((a) => a.topic_id === topicId && a.tutor_id === String(user?.id))?.status ?? null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      display_name: user?.full_name || user?.username || "",
      stage: Number(stage),
      capacity: Number(capacity),
      paused_until: paused || null,
      formats,
      languages,
      topics: mine,
    });
  };

  return (
    <form className="form form--wide" onSubmit={submit} noValidate>
      <ErrorAlert error={errors.formError ? save.error : undefined} />
      {save.isSuccess ? <p className="notice" role="status">{t("tutorProfile.saved")}</p> : null}
      {existing ? <p className="muted">{t("tutorProfile.active", { count: existing.active_pairings, capacity: existing.capacity })}</p> : null}
      <SelectField label={t("onboarding.stage")} name="stage" value={stage} onChange={(e) => setStage(e.target.value)} error={errors.field("stage")}>
        <option value="">{t("onboarding.chooseStage")}</option>
        {Array.from({ length: 12 }, (_, i) => i + 1).map((s) => (
          <option key={s} value={s}>
            {s <= 6 ? t("onboarding.year", { n: s }) : t("onboarding.resident", { n: s - 6 })}
          </option>
        ))}
      </SelectField>
      <TextField label={t("tutorProfile.capacity")} hint={t("tutorProfile.capacityHint")} type="number" min={1} max={50} name="capacity" value={capacity} onChange={(e) => setCapacity(e.target.value)} error={errors.field("capacity")} />
      <TextField label={t("tutorProfile.pausedUntil")} hint={t("tutorProfile.pausedHint")} type="date" name="paused_until" value={paused} onChange={(e) => setPaused(e.target.value)} error={errors.field("paused_until")} />
      <fieldset className="checks">
        <legend className="field__label">{t("tutorProfile.topics")}</legend>
        <p className="field__hint">{t("tutorProfile.topicsHint")}</p>
        <ul className="plain">
          {(topics.data ?? []).filter((tp) => !tp.retired_at).map((tp) => {
            const status = approvalOf(tp.id);
            return (
              <li key={tp.id}>
                <label className="check">
                  <input type="checkbox" checked={mine.includes(tp.id)} onChange={(e) => setMine((m) => (e.target.checked ? [...m, tp.id] : m.filter((x) => x !== tp.id)))} />
                  <span>{tp.path || tp.name}</span>
                  {mine.includes(tp.id) ? (
                    <span className={`status status--${status === "approved" ? "ok" : status ? "bad" : "warn"}`}>
                      {status ? t(`approvalStatus.${status}`) : t("approvalStatus.awaiting")}
                    </span>
                  ) : null}
                </label>
              </li>
            );
          })}
        </ul>
        {errors.field("topics") ? <p className="field__error">{errors.field("topics")}</p> : null}
      </fieldset>
      <CheckboxGroup legend={t("onboarding.formats")} options={FORMATS} value={formats} onChange={setFormats} label={(f) => t(`format.${f}`)} error={errors.field("formats")} />
      <CheckboxGroup legend={t("onboarding.languages")} options={LANGUAGES} value={languages} onChange={setLanguages} label={(l) => t(`languages.${l}`)} error={errors.field("languages")} />
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {t("onboarding.save")}
      </button>
    </form>
  );
}
