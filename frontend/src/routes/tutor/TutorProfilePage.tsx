import { useTranslation } from "react-i18next";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { isApiError } from "../../api/errors";
import { FORMATS, SPOKEN_LANGUAGES, useApprovals, useSaveTutorProfile, useTopics, useTutorProfile, type TutorProfile } from "../../api/matching";
import { useAuth } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { CheckboxGroup, FieldFrame, SelectField, TextField, useServerErrors } from "../../components/forms";
import { ErrorAlert } from "../../components/QueryView";
import { Spinner } from "../../components/Loader";
import { StageOptions } from "../../components/StageOptions";

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

const tutorSchema = z.object({
  stage: z.string(),
  capacity: z.string(),
  paused_until: z.string(),
  formats: z.array(z.enum(FORMATS)),
  languages: z.array(z.string()),
  topics: z.array(z.number()),
});
type TutorValues = z.infer<typeof tutorSchema>;
const FIELDS = ["stage", "capacity", "paused_until", "formats", "languages", "topics"] as const;

function TutorForm({ existing }: { existing?: TutorProfile }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const topics = useTopics();
  const approvals = useApprovals("all", user ? String(user.id) : undefined);
  const save = useSaveTutorProfile();
  const { register, control, handleSubmit, setError, formState } = useForm<TutorValues>({
    resolver: zodResolver(tutorSchema),
    defaultValues: {
      stage: String(existing?.stage ?? ""),
      capacity: String(existing?.capacity ?? 2),
      paused_until: existing?.paused_until ?? "",
      formats: existing?.formats ?? [],
      languages: existing?.languages ?? ["fr"],
      topics: existing?.topics ?? [],
    },
  });
  const formError = useServerErrors(save.error, setError, FIELDS);
  const errors = formState.errors;
  const approvalOf = (topicId: number) =>
    approvals.data?.find((a) => a.topic_id === topicId && a.tutor_id === String(user?.id))?.status ?? null;

  const submit = handleSubmit((v) =>
    save.mutate({
      display_name: user?.full_name || user?.username || "",
      stage: Number(v.stage),
      capacity: Number(v.capacity),
      paused_until: v.paused_until || null,
      formats: v.formats,
      languages: v.languages,
      topics: v.topics,
    }),
  );

  return (
    <form className="form form--wide" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorAlert error={formError ? save.error : undefined} />
      {save.isSuccess ? <p className="notice" role="status">{t("tutorProfile.saved")}</p> : null}
      {existing ? <p className="muted">{t("tutorProfile.active", { count: existing.active_pairings, capacity: existing.capacity })}</p> : null}
      <SelectField label={t("onboarding.stage")} {...register("stage")} error={errors.stage?.message}>
        <option value="">{t("onboarding.chooseStage")}</option>
        <StageOptions />
      </SelectField>
      <TextField label={t("tutorProfile.capacity")} hint={t("tutorProfile.capacityHint")} type="number" min={1} max={50} {...register("capacity")} error={errors.capacity?.message} />
      <TextField label={t("tutorProfile.pausedUntil")} hint={t("tutorProfile.pausedHint")} type="date" {...register("paused_until")} error={errors.paused_until?.message} />
      <Controller
        control={control}
        name="topics"
        render={({ field: { value: mine, onChange: setMine } }) => (
          <FieldFrame label={t("tutorProfile.topics")} hint={t("tutorProfile.topicsHint")} error={errors.topics?.message} group="checks">
            {() => (
              <ul className="plain">
                {(topics.data ?? []).filter((tp) => !tp.retired_at).map((tp) => {
                  const status = approvalOf(tp.id);
                  return (
                    <li key={tp.id}>
                      <label className="check">
                        <input type="checkbox" checked={mine.includes(tp.id)} onChange={(e) => setMine(e.target.checked ? [...mine, tp.id] : mine.filter((x) => x !== tp.id))} />
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
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {t("onboarding.save")}
      </button>
    </form>
  );
}
