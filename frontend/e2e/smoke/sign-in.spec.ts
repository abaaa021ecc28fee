import { expect, expectNoA11yViolations, saveScreenshot, test } from "../fixtures";
import { DEFAULT_USER, mockAuthApi } from "../mock-api";

test.describe("smoke: built SPA with a mocked API", () => {
  test("sign-in page renders, is accessible and gets a screenshot", async ({ page }, testInfo) => {
    await mockAuthApi(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(page.getByLabel("Username")).toBeVisible();
    await expect(page.getByLabel("Password")).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expectNoA11yViolations(page);
    await saveScreenshot(page, "sign-in-phone", testInfo);
  });

  test("a wrong password is shown; a right one opens the app with the user's areas", async ({ page }, testInfo) => {
    await mockAuthApi(page);
    await page.goto("/sign-in");
    await page.getByLabel("Username").fill(DEFAULT_USER.username);
    await page.getByLabel("Password").fill("nope");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("don’t match");
    await expectNoA11yViolations(page);

    await page.getByLabel("Password").fill(DEFAULT_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Amina");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link")).toHaveText(["Home", "Learn", "Teach", "Profile"]);
    await expectNoA11yViolations(page);
    await saveScreenshot(page, "home-desktop", testInfo);

    // Session survives a reload (refresh cookie), and the role area lazy-loads.
    await page.goto("/supervisor");
    await nav.getByRole("link", { name: "Teach" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Teaching" })).toBeVisible();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Profile" })).toBeVisible();
    await expect(page.getByText("Tutor", { exact: true })).toBeVisible();
    await expectNoA11yViolations(page);
    await saveScreenshot(page, "profile-phone", testInfo);
  });

  test("language switch to French is remembered across reloads", async ({ page }, testInfo) => {
    await mockAuthApi(page);
    await page.goto("/sign-in");
    await page.getByRole("button", { name: /FR/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Connexion" })).toBeVisible();
    await page.goto("/supervisor");
    await expect(page.getByRole("heading", { level: 1, name: "Connexion" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page.getByText("Saisissez votre identifiant.")).toBeVisible();
    await expectNoA11yViolations(page);
    await saveScreenshot(page, "sign-in-fr-errors", testInfo);
  });
});

test("a user with every role on a small phone, in French: nav fits and stays accessible", async ({ page }, testInfo) => {
  const user = { ...DEFAULT_USER, roles: ["learner", "tutor", "supervisor", "admin"] as const };
  await mockAuthApi(page, { ...user, roles: [...user.roles] });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.addInitScript(() => window.localStorage.setItem("nearpeer.lang", "fr"));
  await page.goto("/sign-in?next=%2Fsupervisor");
  await page.getByLabel("Identifiant").fill(user.username);
  await page.getByLabel("Mot de passe").fill(user.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/supervisor$/);
  await expect(page.getByRole("heading", { level: 1, name: "Supervision" })).toBeVisible();
  const links = page.getByRole("navigation", { name: "Principale" }).getByRole("link");
  await expect(links).toHaveText(["Accueil", "Étudier", "Tutorat", "Encadrer", "Admin", "Profil"]);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    expect(box && box.width >= 44 && box.height >= 44, "touch targets ≥ 44px").toBeTruthy();
    // Labels are not cut off.
    expect(await link.locator(".nav__label").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  }
  await expectNoA11yViolations(page);
  await saveScreenshot(page, "supervisor-fr-small-phone", testInfo);

  // Keyboard: the skip link is the first stop and lands in the main content.
  // (After navigation focus sits on the page heading; start from the top of the document.)
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
  });
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Aller au contenu principal" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // Account menu (Radix) by keyboard, then sign out.
  await page.getByRole("button", { name: /Menu du compte/ }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Se déconnecter" })).toBeVisible();
  await saveScreenshot(page, "account-menu-fr", testInfo);
  await page.getByRole("menuitem", { name: "Se déconnecter" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Connexion" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Vous êtes déconnecté(e).");
});
