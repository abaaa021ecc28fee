import type { ComponentType, SVGProps } from "react";
import type { Role } from "../api/types";
import { BookIcon, ClipboardIcon, HomeIcon, PeopleIcon, ShieldIcon, UserIcon } from "./icons";

export interface NavItem {
  to: string;
  /** i18n key of the label */
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Shown only to users holding this role; none = everyone. */
  role?: Role;
  end?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", label: "nav.home", icon: HomeIcon, end: true },
  { to: "/learner", label: "nav.learner", icon: BookIcon, role: "learner" },
  { to: "/tutor", label: "nav.tutor", icon: PeopleIcon, role: "tutor" },
  { to: "/supervisor", label: "nav.supervisor", icon: ClipboardIcon, role: "supervisor" },
  { to: "/admin", label: "nav.admin", icon: ShieldIcon, role: "admin" },
  { to: "/profile", label: "nav.profile", icon: UserIcon },
];

export function navItemsFor(roles: readonly Role[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.role || roles.includes(item.role));
}
