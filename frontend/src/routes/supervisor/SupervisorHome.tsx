import { AreaPlaceholder } from "../../components/AreaPlaceholder";

export function SupervisorHome() {
  return <AreaPlaceholder role="supervisor" />;
}
