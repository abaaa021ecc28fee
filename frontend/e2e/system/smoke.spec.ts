import { expectNoA11yViolations, saveScreenshot } from "../fixtures";
import { expect, systemEnv, test } from "./fixtures";

test.use({ baseURL: systemEnv().baseURL });

test("the gateway serves the SPA and its sign-in page", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoA11yViolations(page);
  await saveScreenshot(page, "system-sign-in", testInfo);
});
