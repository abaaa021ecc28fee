import { expectNoA11yViolations, saveScreenshot } from "../fixtures";
import { PASSWORD } from "./global-setup";
import { expect, signedIn, systemEnv, test, text } from "./fixtures";

test.use({ baseURL: systemEnv().baseURL });

/** The other screens of each role, on the real system: they load, are axe-clean, and get a screenshot. */
const PAGES: { role: string; user: () => { username: string; password: string }; paths: [string, string][] }[] = [
  {
    role: "admin",
    user: () => ({ username: "admin", password: systemEnv().adminPassword }),
    paths: [
      ["/admin/users", "users.title"],
      ["/admin/integrations", "integrations.title"],
      ["/admin/audit", "audit.title"],
    ],
  },
  {
    role: "supervisor",
    user: () => ({ username: systemEnv().supervisor.username, password: PASSWORD }),
    paths: [
      ["/supervisor/approvals", "approvals.title"],
      ["/supervisor/observe", "observe.title"],
      ["/supervisor/report", "report.title"],
    ],
  },
  {
    role: "tutor",
    user: () => ({ username: systemEnv().casts.en.tutor.username, password: PASSWORD }),
    paths: [
      ["/tutor/profile", "tutorProfile.title"],
      ["/tutor/portfolio", "portfolio.title"],
    ],
  },
  {
    role: "learner",
    user: () => ({ username: systemEnv().casts.fr.peer.username, password: PASSWORD }),
    paths: [
      ["/learner/progress", "progress.title"],
      ["/notifications", "notifications.title"],
    ],
  },
];

for (const { role, user, paths } of PAGES) {
  test(`${role} screens are accessible`, async ({ browser }) => {
    const { username, password } = user();
    const page = await signedIn(browser, "en", username, password);
    for (const [path, title] of paths) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: text("en", title) })).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: text("en", "common.loading") })).toHaveCount(0);
      await expectNoA11yViolations(page);
      await saveScreenshot(page, `system-${path.replace(/\//g, "-").slice(1)}`);
    }
    await page.context().close();
  });
}
