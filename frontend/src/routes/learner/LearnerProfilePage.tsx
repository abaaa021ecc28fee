import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { FORMATS, SPOKEN_LANGUAGES, useLearnerProfile, useSaveLearnerProfile, useTopics, type LearnerProfile } from "../../api/matching";
import { isApiError } from "../../api/errors";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { CheckboxGroup, FieldFrame, SelectField, TextAreaField, TextField, useServerErrors } from "../../components/forms";
import { ErrorAlert } from "../../components/QueryView";
import { Spinner } from "../../components/Loader";
import { StageOptions } from "../../components/StageOptions";

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

function profileSchema(required: string) {
  return z.object({
    stage: z.string().min(1, required),
    cohort: z.string().trim().max(40),
    formats: z.array(z.enum(FORMATS)),
    languages: z.array(z.string()),
    goal: z.string().trim(),
    topics: z.array(z.object({ topic_id: z.number(), priority: z.number().int().min(1).max(5) })),
  });
}
type ProfileValues = z.infer<ReturnType<typeof profileSchema>>;
const FIELDS = ["stage", "cohort", "formats", "languages", "goal", "topics"] as const;

function ProfileForm({ existing }: { existing?: LearnerProfile }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const navigate = useNavigate();
  const topics = useTopics();
  const save = useSaveLearnerProfile();
  const schema = useMemo(() => profileSchema(t("errors.fields.missing")), [t]);
  const { register, control, handleSubmit, setError, formState } = useForm<ProfileValues>({
    resolver: zodResolver(schema),
    defaultValues: {
      stage: String(existing?.stage ?? ""),
      cohort: existing?.cohort ?? "",
      formats: existing?.formats ?? [],
      languages: existing?.languages ?? ["fr"],
      goal: existing?.goal ?? "",
      topics: existing?.topics ?? [],
    },
  });
  const formError = useServerErrors(save.error, setError, FIELDS);
  const errors = formState.errors;
  const [addTopic, setAddTopic] = useState("");
  const topicName = (id: number) => topics.data?.find((tp) => tp.id === id)?.name ?? `#${id}`;

  const submit = handleSubmit((v) =>
    save.mutate(
      {
        display_name: user?.full_name || user?.username || "",
        stage: Number(v.stage),
        cohort: v.cohort || null,
        formats: v.formats,
        languages: v.languages,
        goal: v.goal || null,
        topics: v.topics,
      },
      { onSuccess: () => navigate("/learner/find") },
    ),
  );

  return (
    <form className="form form--wide" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorAlert error={formError ? save.error : undefined} />
      <SelectField label={t("onboarding.stage")} {...register("stage")} error={errors.stage?.message}>
        <option value="">{t("onboarding.chooseStage")}</option>
        <StageOptions />
      </SelectField>
      <TextField label={t("onboarding.cohort")} hint={t("onboarding.cohortHint")} maxLength={40} {...register("cohort")} error={errors.cohort?.message} />

      <Controller
        control={control}
        name="topics"
        render={({ field: { value: wanted, onChange: setWanted } }) => (
          <FieldFrame label={t("onboarding.topics")} hint={t("onboarding.topicsHint")} error={errors.topics?.message} group="checks">
            {() => (
              <>
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
                              setWanted(wanted.map((x) => (x.topic_id === w.topic_id ? { ...x, priority: Number(e.target.value) } : x)))
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
                          onClick={() => setWanted(wanted.filter((x) => x.topic_id !== w.topic_id))}
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
                      setWanted([...wanted, { topic_id: Number(addTopic), priority: 3 }]);
                      setAddTopic("");
                    }}
                  >
                    {t("actions.add")}
                  </button>
                </div>
              </>
            )}
          </FieldFrame>
        )}
      />

      <Controller
        control={control}
        name="formats"
        render={({ field }) => (
          <CheckboxGroup legend={t("onboarding.formats")} options={FORMATS} value={field.value} onChange={field.onChange} label={(f) => t(`format.${f}`)} error={errors.formats?.message} />
        )}
      />
      <Controller
        control={control}
        name="languages"
        render={({ field }) => (
          <CheckboxGroup legend={t("onboarding.languages")} options={SPOKEN_LANGUAGES} value={field.value} onChange={field.onChange} label={(l) => t(`languages.${l}`)} error={errors.languages?.message} />
        )}
      />
      <TextAreaField label={t("onboarding.goal")} hint={t("onboarding.goalHint")} {...register("goal")} error={errors.goal?.message} />
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {t("onboarding.save")}
      </button>
    </form>
  );
}
