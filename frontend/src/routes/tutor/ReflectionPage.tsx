import { useState, type FormEvent } from "react";
import { useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useCreateReflection } from "../../api/feedback";
import { Page } from "../../components/Page";
import { ErrorAlert } from "../../components/QueryView";
import { TextAreaField, useFormErrors } from "../../components/forms";

export default function ReflectionPage() {
  const { t } = useTranslation();
  const { sessionId = "" } = useParams();
  const create = useCreateReflection(sessionId);
  const [v, setV] = useState({ went_well: "", to_improve: "", unanswered_questions: "" });
  const errors = useFormErrors(create.error, ["went_well", "to_improve", "unanswered_questions"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ went_well: v.went_well.trim(), to_improve: v.to_improve.trim(), unanswered_questions: v.unanswered_questions.trim() || null });
  };
  return (
    <Page title={t("reflection.title")} subtitle={t("reflection.lead")}>
      {create.isSuccess ? (
        <p className="notice" role="status">
          {t("reflection.saved")}
        </p>
      ) : (
        <form className="form form--wide" onSubmit={submit} noValidate>
          <ErrorAlert error={errors.formError ? create.error : undefined} />
          <TextAreaField label={t("reflection.wentWell")} name="went_well" value={v.went_well} onChange={(e) => setV({ ...v, went_well: e.target.value })} error={errors.field("went_well")} />
          <TextAreaField label={t("reflection.toImprove")} name="to_improve" value={v.to_improve} onChange={(e) => setV({ ...v, to_improve: e.target.value })} error={errors.field("to_improve")} />
          <TextAreaField label={t("reflection.questions")} name="unanswered_questions" value={v.unanswered_questions} onChange={(e) => setV({ ...v, unanswered_questions: e.target.value })} error={errors.field("unanswered_questions")} />
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {t("reflection.submit")}
          </button>
        </form>
      )}
    </Page>
  );
}
