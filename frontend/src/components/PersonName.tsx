import { usePersonName } from "../api/matching";

/** A person's display name from their matching profile; the fallback while loading or when it is not visible to us. */
export function PersonName({ kind, id, fallback }: { kind: "tutor" | "learner"; id: string; fallback: string }) {
  const name = usePersonName(kind, id);
  return <>{name.data ?? fallback}</>;
}
