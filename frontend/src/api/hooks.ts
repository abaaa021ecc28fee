import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";

export const authKeys = {
  me: ["auth", "me"] as const,
};

export const meQuery = queryOptions({
  queryKey: authKeys.me,
  queryFn: ({ signal }) => unwrap(api.GET("/api/auth/me", { signal })),
  staleTime: 5 * 60_000,
});

export function useMe(enabled = true) {
  return useQuery({ ...meQuery, enabled });
}
