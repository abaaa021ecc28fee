import { AreaPlaceholder } from "../../components/AreaPlaceholder";

export function LearnerHome() {
  return <AreaPlaceholder role="learner" />;
}
