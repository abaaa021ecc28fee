import { useEffect, useMemo, useState } from "react";
import { Navigate, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { isApiError } from "../../api/errors";
import { useAuth } from "../../auth/AuthContext";
import { safeNext } from "../../auth/guards";
import { LanguageSwitch } from "../../components/LanguageSwitch";
import { FullPageLoader } from "../../components/Loader";
import { TextField, useServerErrors } from "../../components/forms";
import { LogoMark } from "../../components/icons";

const FIELDS = ["username", "password"] as const;

export function SignInPage() {
  const { t } = useTranslation();
  const { status, user, signIn, signOutReason } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [showPassword, setShowPassword] = useState(false);

  const schema = useMemo(
    () =>
      z.object({
        username: z.string().trim().min(1, t("signIn.usernameRequired")),
        password: z.string().min(1, t("signIn.passwordRequired")),
      }),
    [t],
  );
  const { register, handleSubmit, setError, formState } = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { username: "", password: "" },
  });
  const login = useMutation({
    mutationFn: (v: z.infer<typeof schema>) => signIn(v.username, v.password),
  });
  // Server field errors go next to their field (the first gets the cursor); the rest is the form's error.
  const serverFormError = useServerErrors(login.error, setError, FIELDS);

  useEffect(() => {
    document.title = `${t("signIn.title")} · ${t("app.name")}`;
  }, [t]);

  if (status === "restoring") return <FullPageLoader label={t("auth.restoring")} />;
  if (status === "signedIn" && user) return <Navigate to={next} replace />;

  const formError =
    serverFormError && isApiError(login.error) && login.error.status === 401 ? t("signIn.invalidCredentials") : serverFormError;
  const errors = formState.errors;
  const onSubmit = handleSubmit((v) => login.mutate(v));

  const notice =
    signOutReason === "expired" ? t("signIn.sessionExpired") : signOutReason === "signedOut" ? t("signIn.signedOut") : null;

  return (
    <div className="auth-page">
      <header className="auth-page__top">
        <span className="brand">
          <LogoMark />
          <span className="brand__name">{t("app.name")}</span>
        </span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-page__main" tabIndex={-1}>
        <div className="auth-card">
          <h1 className="auth-card__title">{t("signIn.title")}</h1>
          <p className="auth-card__lead">{t("signIn.lead")}</p>

          {notice ? (
            <p className="notice" role="status">
              {notice}
            </p>
          ) : null}
          {formError ? (
            <div className="alert" role="alert">
              {formError}
            </div>
          ) : null}

          <form className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-label={t("signIn.title")}>
            <TextField
              label={t("signIn.username")}
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              {...register("username")}
              error={errors.username?.message}
              required
            />
            <TextField
              label={t("signIn.password")}
              type={showPassword ? "text" : "password"}
              autoComplete="current-password"
              {...register("password")}
              error={errors.password?.message}
              required
              endAdornment={
                <button
                  type="button"
                  className="field__toggle"
                  aria-pressed={showPassword}
                  onClick={() => setShowPassword((s) => !s)}
                >
                  {t("signIn.showPassword")}
                </button>
              }
            />
            <button type="submit" className="button button--primary button--block" disabled={login.isPending}>
              {login.isPending ? t("signIn.submitting") : t("signIn.submit")}
            </button>
          </form>
        </div>
        <p className="auth-page__footnote">{t("signIn.help")}</p>
      </main>
    </div>
  );
}
