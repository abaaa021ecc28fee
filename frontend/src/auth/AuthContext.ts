import { createContext, useContext } from "react";
import type { Me, Role } from "../api/types";

export type AuthStatus = "restoring" | "signedIn" | "signedOut";
export type SignOutReason = "signedOut" | "expired" | null;

export interface AuthContextValue {
  status: AuthStatus;
  user: Me | undefined;
  /** Set when the profile could not be loaded although the session is valid. */
  userError: unknown;
  reloadUser(): void;
  /** Why the user is signed out: they chose to, or their session ended. */
  signOutReason: SignOutReason;
  signIn(username: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
  hasRole(role: Role): boolean;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth must be used inside <AuthProvider>");
  return ctx;
}
