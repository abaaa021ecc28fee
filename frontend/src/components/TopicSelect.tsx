import type { ComponentProps } from "react";
import { useTranslation } from "react-i18next";
import { useTopics } from "../api/matching";
import { SelectField } from "./forms";

type Props = Omit<ComponentProps<typeof SelectField>, "children"> & {
  /** Retired topics are offered only where past teaching is recorded (approvals, endorsements). */
  includeRetired?: boolean;
};

/** A topic picker (by path), with "choose a topic" as the empty choice; spread `register("topic_id")` into it. */
export function TopicSelect({ includeRetired = false, ...select }: Props) {
  const { t } = useTranslation();
  const topics = useTopics();
  return (
    <SelectField {...select}>
      <option value="">{t("find.chooseTopic")}</option>
      {(topics.data ?? [])
        .filter((tp) => includeRetired || !tp.retired_at)
        .map((tp) => (
          <option key={tp.id} value={tp.id}>
            {tp.path || tp.name}
          </option>
        ))}
    </SelectField>
  );
}
