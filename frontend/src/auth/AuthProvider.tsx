import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { publicClient } from "../api/publicClient";
import { unwrap } from "../api/errors";
import { meQuery } from "../api/hooks";
import { clearSession, getAccessToken, onSessionExpired, refreshSession, setAccessToken } from "../api/session";
import type { Role } from "../api/types";
import { AuthContext, type AuthContextValue, type AuthStatus, type SignOutReason } from "./AuthContext";

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>(() => (getAccessToken() ? "signedIn" : "restoring"));
  const [signOutReason, setSignOutReason] = useState<SignOutReason>(null);

  // Restore the session from the refresh cookie on start.
  useEffect(() => {
    if (status !== "restoring") return;
    let cancelled = false;
    void refreshSession().then((outcome) => {
      if (!cancelled) setStatus(outcome === "refreshed" ? "signedIn" : "signedOut");
    });
    return () => {
      cancelled = true;
    };
  }, [status]);

  // A refresh failed somewhere in the app: back to sign-in.
  useEffect(() => {
    onSessionExpired(() => {
      queryClient.clear();
      setSignOutReason("expired");
      setStatus("signedOut");
    });
    return () => onSessionExpired(null);
  }, [queryClient]);

  const me = useQuery({ ...meQuery, enabled: status === "signedIn" });

  const signIn = useCallback<AuthContextValue["signIn"]>(
    async (username, password) => {
      const tokens = await unwrap(publicClient.POST("/api/auth/login", { body: { username, password } }));
      setAccessToken(tokens.access_token);
      const user = await queryClient.fetchQuery(meQuery);
      setSignOutReason(null);
      setStatus("signedIn");
      return user;
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    const token = getAccessToken();
    try {
      await publicClient.POST("/api/auth/logout", {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
    } catch {
      // Offline: the cookie stays until it expires, but this tab forgets the session.
    }
    clearSession();
    queryClient.clear();
    setSignOutReason("signedOut");
    setStatus("signedOut");
  }, [queryClient]);

  const user = status === "signedIn" ? me.data : undefined;
  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      user,
      userError: status === "signedIn" ? me.error : null,
      reloadUser: () => void me.refetch(),
      signOutReason,
      signIn,
      signOut,
      hasRole: (role: Role) => !!user?.roles.includes(role),
    }),
    [status, user, me, signOutReason, signIn, signOut],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
