import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/AuthContext";
import { ChevronDownIcon, SignOutIcon, UserIcon } from "./icons";

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? "";
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase() || "?";
}

export function AccountMenu() {
  const { user, signOut } = useAuth();
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (!user) return null;
  const name = user.full_name || user.username;

  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="account-trigger">
        <span className="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <span className="visually-hidden">{t("account.menu")} </span>
        {/* Visually hidden on phones, but always part of the button's name. */}
        <span className="account-trigger__name">{name}</span>
        <ChevronDownIcon className="account-trigger__chevron" width={16} height={16} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={8} collisionPadding={8}>
          <DropdownMenu.Label className="menu__label">
            <span className="menu__name">{name}</span>
            <span className="menu__meta">@{user.username}</span>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="menu__separator" />
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate("/profile")}>
            <UserIcon width={18} height={18} />
            {t("nav.profile")}
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className="menu__item"
            onSelect={() => void signOut()}
          >
            <SignOutIcon width={18} height={18} />
            {t("auth.signOut")}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
