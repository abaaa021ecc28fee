import { useEffect, useRef, useState, type FormEvent } from "react";
import { Navigate, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { fieldErrors, isApiError } from "../../api/errors";
import { useAuth } from "../../auth/AuthContext";
import { safeNext } from "../../auth/guards";
import { LanguageSwitch } from "../../components/LanguageSwitch";
import { FullPageLoader } from "../../components/Loader";
import { TextField } from "../../components/TextField";
import { LogoMark } from "../../components/icons";
import { useErrorText } from "../../lib/errorText";

type Fields = "username" | "password";
const FIELDS: Fields[] = ["username", "password"];

export function SignInPage() {
  const { t } = useTranslation();
  const { status, user, signIn, signOutReason } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const { forError, forDetail } = useErrorText();

  const [values, setValues] = useState<Record<Fields, string>>({ username: "", password: "" });
  const [missing, setMissing] = useState<Partial<Record<Fields, boolean>>>({});
  const [showPassword, setShowPassword] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const login = useMutation({
    mutationFn: (v: Record<Fields, string>) => signIn(v.username.trim(), v.password),
  });

  useEffect(() => {
    document.title = `${t("signIn.title")} · ${t("app.name")}`;
  }, [t]);

  // After a failed attempt, put the cursor on the first field in error.
  useEffect(() => {
    if (!login.error) return;
    const server = fieldErrors(login.error);
    const first = FIELDS.find((f) => server[f]);
    if (first) formRef.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  }, [login.error]);

  if (status === "restoring") return <FullPageLoader label={t("auth.restoring")} />;
  if (status === "signedIn" && user) return <Navigate to={next} replace />;

  const server = fieldErrors(login.error);
  const errorFor = (field: Fields): string | undefined => {
    if (missing[field]) return t(`signIn.${field}Required`);
    return forDetail(server[field]);
  };

  let formError: string | null = null;
  if (login.error && !FIELDS.some((f) => server[f])) {
    formError =
      isApiError(login.error) && login.error.status === 401 ? t("signIn.invalidCredentials") : forError(login.error);
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const nextMissing = { username: !values.username.trim(), password: !values.password };
    setMissing(nextMissing);
    const firstMissing = FIELDS.find((f) => nextMissing[f]);
    if (firstMissing) {
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${firstMissing}"]`)?.focus();
      return;
    }
    login.mutate(values);
  };

  const update = (field: Fields) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [field]: e.target.value }));
    if (missing[field]) setMissing((m) => ({ ...m, [field]: false }));
  };

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

          <form ref={formRef} className="form" noValidate onSubmit={onSubmit} aria-label={t("signIn.title")}>
            <TextField
              label={t("signIn.username")}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              value={values.username}
              onChange={update("username")}
              error={errorFor("username")}
              required
            />
            <TextField
              label={t("signIn.password")}
              name="password"
              type={showPassword ? "text" : "password"}
              autoComplete="current-password"
              value={values.password}
              onChange={update("password")}
              error={errorFor("password")}
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
