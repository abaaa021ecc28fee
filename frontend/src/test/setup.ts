import "@testing-library/jest-dom/vitest";
import { afterEach } from "vitest";
import { cleanup, configure } from "@testing-library/react";
import { initI18n } from "../i18n";

initI18n("en");
// Screens chain several requests (auth, then data); allow for a busy CI machine.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
});
