import { expect, expectNoA11yViolations, saveScreenshot, test } from "../fixtures";
import { mockAuthApi, type MockUser } from "../mock-api";

const topic = { id: 7, name: "Heart murmurs", kind: "clinical_reasoning", parent_id: null, description: null, retired_at: null, path: "Cardiology › Heart murmurs" };
const learner: MockUser = { username: "lina", password: "correct horse", full_name: "Lina Learner", email: "l@x.org", roles: ["learner"] };
const supervisor: MockUser = { ...learner, username: "sup", full_name: "Pr Sup", roles: ["supervisor"] };

async function signIn(page: import("@playwright/test").Page, user: MockUser) {
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

test.describe("smoke: main screens with a mocked API (phone)", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("find a tutor: suggestions with reasons, a missing criterion, accessible", async ({ page }, testInfo) => {
    await mockAuthApi(page, learner, {
      "GET /api/matching/topics": () => ({ body: [topic] }),
      "GET /api/matching/requests": () => ({ body: [] }),
      "GET /api/matching/suggestions": () => ({
        body: {
          topic_id: 7,
          suggestions: [
            { tutor_id: "t-1", display_name: "Inès Moreau", stage: 5, score: 0.82, breakdown: { topic_fit: 1, stage_gap: 0.9, shared_free_time: null, format: 1, language: 1, load: 0.5, quality: 0.7 } },
          ],
          missing_criteria: ["shared_free_time"],
          missing_reasons: [{ criterion: "shared_free_time", reason: "sessions is not answering" }],
        },
      }),
    });
    await signIn(page, learner);
    await page.goto("/learner/find?topic=7");
    await page.getByText("Why this tutor?").click();
    await expect(page.getByText("Not available: sessions is not answering")).toBeVisible();
    await expectNoA11yViolations(page);
    await saveScreenshot(page, "find-tutor-phone", testInfo);
  });

  test("supervisor flag queue is accessible", async ({ page }, testInfo) => {
    await mockAuthApi(page, supervisor, {
      "GET /api/matching/topics": () => ({ body: [topic] }),
      "GET /api/feedback/flags": () => ({
        body: [
          {
            id: 1, session_id: "4", topic_id: 7, flagger_id: "u", flagger_name: "Lina", quote: "Clicks are always benign", source: "ESC 2021", comment: null,
            status: "open", created_at: "2026-01-01T10:00:00Z", due_at: "2026-01-03T10:00:00Z", age_hours: 50, overdue: true,
            reviewed_by: null, reviewed_at: null, review_note: null, erratum_id: null,
          },
        ],
      }),
    });
    await signIn(page, supervisor);
    await page.goto("/supervisor/flags");
    await expect(page.getByText("Overdue")).toBeVisible();
    await page.getByRole("button", { name: "Confirm and send an erratum" }).click();
    await expectNoA11yViolations(page);
    await saveScreenshot(page, "flag-queue-phone", testInfo);
  });
});
