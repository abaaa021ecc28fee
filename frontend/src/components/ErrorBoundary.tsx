import { Component, type ErrorInfo, type ReactNode } from "react";
import { Trans } from "react-i18next";

interface Props {
  children: ReactNode;
  /** Changing it clears the error (e.g. the route path). */
  resetKey?: unknown;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

/** Catches render errors and failed lazy chunks (e.g. after a new deploy). */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("Render error", error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <section className="empty-state" role="alert">
        <h2 className="empty-state__title">
          <Trans i18nKey="errors.crashTitle" />
        </h2>
        <p className="empty-state__body">
          <Trans i18nKey="errors.crashBody" />
        </p>
        <div className="empty-state__action">
          <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
            <Trans i18nKey="actions.reload" />
          </button>
        </div>
      </section>
    );
  }
}
