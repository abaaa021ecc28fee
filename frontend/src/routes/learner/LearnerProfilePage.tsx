import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { FORMATS, useLearnerProfile, useSaveLearnerProfile, useTopics, type Format, type LearnerProfile, type WantedTopic } from "../../api/matching";
import { isApiError } from "../../api/errors";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { CheckboxGroup, ErrorAlert, SelectField, TextAreaField, useFormErrors } from "../../components/forms";
import { TextField } from "../../components/TextField";
import { Spinner } from "../../components/Loader";

export const LANGUAGES = ["fr", "en", "ar", "es", "de"] as const;

/** Onboarding and later edits of the learner's matching profile. */
export default function LearnerProfilePage() {
  const { t } = useTranslation();
  const profile = useLearnerProfile();
  const notFound = isApiError(profile.error) && profile.error.status === 404;
  if (profile.isLoading) return <Spinner />;
  return (
    <Page title={profile.data ? t("onboarding.editTitle") : t("onboarding.title")} subtitle={t("onboarding.lead")}>
      {profile.error && !notFound ? <ErrorAlert error={profile.error} /> : null}
      <ProfileForm existing={profile.data} />
    </Page>
  );
}

function ProfileForm({ existing }: { existing?: LearnerProfile }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const navigate = useNavigate();
  const topics = useTopics();
  const save = useSaveLearnerProfile();
  const [stage, setStage] = useState(String(existing?.stage ?? ""));
  const [cohort, setCohort] = useState(existing?.cohort ?? "");
  const [formats, setFormats] = useState<Format[]>(existing?.formats ?? []);
  const [languages, setLanguages] = useState<string[]>(existing?.languages ?? ["fr"]);
  const [goal, setGoal] = useState(existing?.goal ?? "");
  const [wanted, setWanted] = useState<WantedTopic[]>(existing?.topics ?? []);
  const [addTopic, setAddTopic] = useState("");
  const [stageMissing, setStageMissing] = useState(false);
  const errors = useFormErrors(save.error, ["stage", "cohort", "formats", "languages", "goal", "topics", "display_name"]);
  const topicName = (id: number) => topics.data?.find((tp) => tp.id === id)?.name ?? `#${id}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!stage) {
      setStageMissing(true);
      return;
    }
    save.mutate(
      {
        display_name: user?.full_name || user?.username || "",
        stage: Number(stage),
        cohort: cohort.trim() || null,
        formats,
        languages,
        goal: goal.trim() || null,
        topics: wanted,
      },
      { onSuccess: () => navigate("/learner/find") },
    );
  };

  return (
    <form className="form form--wide" onSubmit={submit} noValidate>
      <ErrorAlert error={errors.formError ? save.error : undefined} />
      <SelectField
        label={t("onboarding.stage")}
        name="stage"
        value={stage}
        onChange={(e) => {
          setStage(e.target.value);
          setStageMissing(false);
        }}
        error={errors.field("stage") ?? (stageMissing ? t("errors.fields.missing") : undefined)}
      >
        <option value="">{t("onboarding.chooseStage")}</option>
        {Array.from({ length: 12 }, (_, i) => i + 1).map((s) => (
          <option key={s} value={s}>
            {s <= 6 ? t("onboarding.year", { n: s }) : t("onboarding.resident", { n: s - 6 })}
          </option>
        ))}
      </SelectField>
      <TextField label={t("onboarding.cohort")} hint={t("onboarding.cohortHint")} name="cohort" value={cohort} maxLength={40} onChange={(e) => setCohort(e.target.value)} error={errors.field("cohort")} />

      <fieldset className="checks" aria-describedby="topics-hint">
        <legend className="field__label">{t("onboarding.topics")}</legend>
        <p className="field__hint" id="topics-hint">
          {t("onboarding.topicsHint")}
        </p>
        <ul className="list">
          {wanted.map((w) => (
            <li key={w.topic_id} className="card card--row">
              <span>{topicName(w.topic_id)}</span>
              <span className="row">
                <label className="inline-field">
                  <span>{t("onboarding.priority")}</span>
                  <select
                    value={w.priority}
                    aria-label={t("onboarding.priorityFor", { topic: topicName(w.topic_id) })}
                    onChange={(e) =>
                      setWanted((list) => list.map((x) => (x.topic_id === w.topic_id ? { ...x, priority: Number(e.target.value) } : x)))
                    }
                  >
                    {[1, 2, 3, 4, 5].map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => setWanted((list) => list.filter((x) => x.topic_id !== w.topic_id))}
                >
                  {t("actions.remove")}
                  <span className="visually-hidden"> {topicName(w.topic_id)}</span>
                </button>
              </span>
            </li>
          ))}
        </ul>
        <div className="row">
          <SelectField label={t("onboarding.addTopic")} name="add-topic" value={addTopic} onChange={(e) => setAddTopic(e.target.value)}>
            <option value="">—</option>
            {(topics.data ?? [])
              .filter((tp) => !tp.retired_at && !wanted.some((w) => w.topic_id === tp.id))
              .map((tp) => (
                <option key={tp.id} value={tp.id}>
                  {tp.path || tp.name}
                </option>
              ))}
          </SelectField>
          <button
            type="button"
            className="button button--secondary"
            disabled={!addTopic}
            onClick={() => {
              setWanted((list) => [...list, { topic_id: Number(addTopic), priority: 3 }]);
              setAddTopic("");
            }}
          >
            {t("actions.add")}
          </button>
        </div>
        {errors.field("topics") ? <p className="field__error">{errors.field("topics")}</p> : null}
      </fieldset>

      <CheckboxGroup legend={t("onboarding.formats")} options={FORMATS} value={formats} onChange={setFormats} label={(f) => t(`format.${f}`)} error={errors.field("formats")} />
      <CheckboxGroup legend={t("onboarding.languages")} options={LANGUAGES} value={languages} onChange={setLanguages} label={(l) => t(`languages.${l}`)} error={errors.field("languages")} />
      <TextAreaField label={t("onboarding.goal")} hint={t("onboarding.goalHint")} name="goal" value={goal} onChange={(e) => setGoal(e.target.value)} error={errors.field("goal")} />
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {t("onboarding.save")}
      </button>
    </form>
  );
}
