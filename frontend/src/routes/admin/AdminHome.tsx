import { AreaPlaceholder } from "../../components/AreaPlaceholder";

export function AdminHome() {
  return <AreaPlaceholder role="admin" />;
}
