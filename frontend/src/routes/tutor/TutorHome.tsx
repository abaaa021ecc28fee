import { AreaPlaceholder } from "../../components/AreaPlaceholder";

export function TutorHome() {
  return <AreaPlaceholder role="tutor" />;
}
