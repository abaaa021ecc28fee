import { useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useCreateReflection } from "../../api/feedback";
import { Page } from "../../components/Page";
import { ErrorAlert } from "../../components/QueryView";
import { TextAreaField, useServerErrors } from "../../components/forms";

const reflectionSchema = z.object({
  went_well: z.string().trim(),
  to_improve: z.string().trim(),
  unanswered_questions: z.string().trim(),
});
type ReflectionValues = z.infer<typeof reflectionSchema>;
const FIELDS = ["went_well", "to_improve", "unanswered_questions"] as const;

export default function ReflectionPage() {
  const { t } = useTranslation();
  const { sessionId = "" } = useParams();
  const create = useCreateReflection(sessionId);
  const { register, handleSubmit, setError, formState } = useForm<ReflectionValues>({
    resolver: zodResolver(reflectionSchema),
    defaultValues: { went_well: "", to_improve: "", unanswered_questions: "" },
  });
  const formError = useServerErrors(create.error, setError, FIELDS);
  const errors = formState.errors;
  const submit = handleSubmit((v) => create.mutate({ ...v, unanswered_questions: v.unanswered_questions || null }));
  return (
    <Page title={t("reflection.title")} subtitle={t("reflection.lead")}>
      {create.isSuccess ? (
        <p className="notice" role="status">
          {t("reflection.saved")}
        </p>
      ) : (
        <form className="form form--wide" onSubmit={(e) => void submit(e)} noValidate>
          <ErrorAlert error={formError ? create.error : undefined} />
          <TextAreaField label={t("reflection.wentWell")} {...register("went_well")} error={errors.went_well?.message} />
          <TextAreaField label={t("reflection.toImprove")} {...register("to_improve")} error={errors.to_improve?.message} />
          <TextAreaField label={t("reflection.questions")} {...register("unanswered_questions")} error={errors.unanswered_questions?.message} />
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {t("reflection.submit")}
          </button>
        </form>
      )}
    </Page>
  );
}
