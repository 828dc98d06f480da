import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, signInAs, signUpInBrowser, test } from "./helpers";

/**
 * Keyboard shortcuts on a demo thread (j/k/r/? and the help dialog), and WCAG 2.1.4 in settings:
 * remapping a key takes effect, a duplicate is refused inline, and turning them off disables them.
 */
const THREAD = "/groups/cervical-dystonia/forum/demo-thread-daily-life";
const posts = (page: Page) => page.locator("article.post-card");

test.describe("thread keyboard shortcuts", () => {
  test("j/k move between posts, r goes to the reply box, ? and the button open the help dialog", async ({ page }) => {
    await signInAs(page, "alex");
    await gotoAndHydrate(page, THREAD);
    await page.keyboard.press("j");
    await expect(posts(page).nth(0)).toBeFocused();
    await page.keyboard.press("j");
    await expect(posts(page).nth(1)).toBeFocused();
    await page.keyboard.press("j");
    await expect(posts(page).nth(2)).toBeFocused();
    await page.keyboard.press("k");
    await expect(posts(page).nth(1)).toBeFocused();

    // ? opens the dialog with focus inside it; Escape closes it and focus returns to the post.
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("shortcut-list")).toContainText("jNext post");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await expectAccessible(page);
    // Inside the dialog the page's keys do nothing.
    await page.keyboard.press("j");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(posts(page).nth(1)).toBeFocused();

    // r: the reply box; typing there is text, never a shortcut.
    await page.keyboard.press("r");
    const box = page.getByLabel("Your reply");
    await expect(box).toBeFocused();
    await page.keyboard.type("jk?");
    await expect(box).toHaveValue("jk?");
    await expect(dialog).toBeHidden();
    await expect(box).toBeFocused();

    // The visible button opens it too (keyboard only), and focus comes back to the button.
    const button = page.getByRole("button", { name: "Keyboard shortcuts" });
    await button.focus();
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(button).toBeFocused();
    await expectAccessible(page);
  });

  test("remapping a key in settings takes effect; a duplicate is refused inline; turning them off disables them", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400); // the refused duplicate
    await signUpInBrowser(page, "Keys");
    await gotoAndHydrate(page, "/settings/accessibility");
    const nextKey = page.getByLabel("Key for “Next post”");
    await nextKey.fill("k");
    await page.getByRole("button", { name: "Save keyboard shortcuts" }).click();
    // Inline, next to each key involved (and named in the form's summary).
    await expect(page.locator("#shortcut-next-error")).toHaveText("“k” is already used for “Previous post”. Choose another key.");
    await expect(page.locator("#shortcut-previous-error")).toHaveText("“k” is already used for “Next post”. Choose another key.");
    await expect(nextKey).toHaveAttribute("aria-invalid", "true");
    await expectAccessible(page);

    await page.getByLabel("Key for “Next post”").fill("n");
    await page.getByRole("button", { name: "Save keyboard shortcuts" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expect(page.getByLabel("Key for “Next post”")).toHaveValue("n");

    await gotoAndHydrate(page, THREAD);
    await page.keyboard.press("j");
    await expect(posts(page).nth(0)).not.toBeFocused();
    await page.keyboard.press("n");
    await expect(posts(page).nth(0)).toBeFocused();
    await page.keyboard.press("n");
    await expect(posts(page).nth(1)).toBeFocused();
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await expect(page.getByRole("dialog").getByTestId("shortcut-list")).toContainText("nNext post");
    await page.keyboard.press("Escape");

    await gotoAndHydrate(page, "/settings/accessibility");
    await page.getByRole("checkbox", { name: "Use single-key shortcuts" }).uncheck();
    await page.getByRole("button", { name: "Save keyboard shortcuts" }).click();
    await expect(page.getByRole("checkbox", { name: "Use single-key shortcuts" })).not.toBeChecked();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

    await gotoAndHydrate(page, THREAD);
    await page.keyboard.press("n");
    await page.keyboard.press("?");
    await expect(posts(page).nth(0)).not.toBeFocused();
    await expect(page.getByRole("dialog")).toBeHidden();
    // The button still explains, and links to the setting.
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await expect(page.getByRole("dialog")).toContainText("Single-key shortcuts are turned off for your account.");
  });
});
