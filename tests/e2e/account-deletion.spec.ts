import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, INVALID_CREDENTIALS, labelFor, signUpInBrowser, test, uniqueSuffix, waitForHydration } from "./helpers";

const GROUP = "/groups/cervical-dystonia";

/** Presses Tab until `name`'s button has focus (a bounded number of times), as a keyboard user would. */
async function tabTo(page: Page, name: string) {
  const target = page.getByRole("button", { name });
  for (let i = 0; i < 8; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test.describe("account deletion", () => {
  test("a new member posts, deletes the account with the keyboard only, is signed out; the post shows the anonymous name; signing in fails", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400);
    const person = await signUpInBrowser(page, "Leaving");
    const body = `Warm compresses help me in the evening ${uniqueSuffix()}`;

    // Join the group and start a thread through the UI.
    await gotoAndHydrate(page, GROUP);
    await page.getByRole("button", { name: labelFor("Join group", "Cervical dystonia") }).click();
    await expect(page.getByText("You are a member.")).toBeVisible();
    await gotoAndHydrate(page, `${GROUP}/forum/new`);
    await page.getByLabel("Title").fill(`What helps in the evening ${uniqueSuffix()}`);
    await page.getByLabel("Your post").fill(body);
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByText(body)).toBeVisible();
    const threadPath = new URL(page.url()).pathname;

    // Settings → Delete account, by keyboard.
    await gotoAndHydrate(page, "/settings/delete");
    await expect(page.getByRole("heading", { name: "Delete your account" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Delete account" })).toHaveAttribute("aria-current", "page");
    await expectAccessible(page);

    const keep = page.getByRole("radio", { name: /Keep them readable/ });
    await keep.focus();
    await page.keyboard.press("Space");
    await expect(keep).toBeChecked();
    await page.keyboard.press("Tab");
    const password = page.getByLabel("Your current password");
    await expect(password).toBeFocused();

    // A wrong password: an inline error, the choice kept, still signed in.
    await page.keyboard.type("not my password");
    await tabTo(page, "Delete my account for good");
    await page.keyboard.press("Enter");
    await expect(page.getByText("That isn't your current password.")).toBeVisible();
    await expect(keep).toBeChecked();
    await expect(page.getByRole("banner").getByText(`Signed in as ${person.displayName}`)).toBeVisible();
    await expectAccessible(page);

    await password.focus();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type(person.password);
    await tabTo(page, "Delete my account for good");
    await page.keyboard.press("Enter");

    await expect(page).toHaveURL(/\/account-deleted$/);
    await expect(page.getByRole("heading", { level: 1, name: "Your account has been deleted" })).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await expect(page.getByRole("banner").getByText(/Signed in as/)).toHaveCount(0);
    await waitForHydration(page);
    await expectAccessible(page);

    // The post stays, under "Former member …".
    await gotoAndHydrate(page, threadPath);
    const post = page.getByRole("article").filter({ hasText: body });
    await expect(post).toContainText(/Former member \d{6,8}/);
    await expect(page.getByText(person.displayName)).toHaveCount(0);

    // The old e-mail and password no longer sign in.
    await gotoAndHydrate(page, "/signin");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(person.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText(INVALID_CREDENTIALS)).toBeVisible();
    await expect(page.getByRole("banner").getByText(/Signed in as/)).toHaveCount(0);
  });
});
