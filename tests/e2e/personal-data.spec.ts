import { expectAccessible, expect, gotoAndHydrate, signInAs, test, uniqueSuffix, waitForHydration } from "./helpers";
import { messageFrom, openChatRoom, personIn } from "./chat-helpers";

/**
 * The personal-data question (issue 15): a member who types a phone number is asked, inline and
 * without a timer, "post anyway?"; "Edit my post" goes back to the text (kept), "Post anyway" posts.
 * In chat the same with the keyboard only. Each member writes in their own new thread; nothing in the
 * demo organization's settings changes.
 */

const FORUM = "/groups/cervical-dystonia/forum";
const ROOM = "/groups/cervical-dystonia/chat/demo-room-cervical-general";

test.describe("personal-data warning", () => {
  test("a reply with a phone number asks first; Edit my post keeps the text; Post anyway posts", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(422);
    const title = `Evening calls ${uniqueSuffix()}`;
    await signInAs(page, "alex");
    await gotoAndHydrate(page, `${FORUM}/new`);
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Your post").fill("Does anyone else find evenings the hardest with cervical dystonia?");
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await waitForHydration(page);

    const reply = `Happy to talk, ring me on 07700 900123 ${uniqueSuffix()}`;
    await page.getByLabel("Your reply").fill(reply);
    await page.getByRole("button", { name: "Post reply" }).click();

    const step = page.getByTestId("personal-data-check");
    await expect(step).toBeVisible();
    await expect(step).toContainText("This looks like personal information (a phone number). Anyone who can read this group will see it. Post anyway?");
    // Focus moved to the step's heading; the typed text is still in the box; nothing was posted.
    await expect(step.getByRole("heading", { name: "Before you post: a quick check" })).toBeFocused();
    await expect(page.getByLabel("Your reply")).toHaveValue(reply);
    await expect(page.getByRole("article").filter({ hasText: reply })).toHaveCount(0);
    await expectAccessible(page);

    // "Edit my post": back to the text, every word kept.
    await step.getByRole("button", { name: "Edit my post" }).click();
    await expect(page.getByLabel("Your reply")).toBeFocused();
    await expect(page.getByLabel("Your reply")).toHaveValue(reply);
    await expect(step).toHaveCount(0);

    // Post again: asked again; this time "Post anyway".
    await page.getByRole("button", { name: "Post reply" }).click();
    await expect(step).toBeVisible();
    await step.getByRole("button", { name: "Post anyway" }).click();
    await expect(page.getByRole("article").filter({ hasText: reply })).toBeVisible();
    await expect(page.getByLabel("Your reply")).toHaveValue("");
    await expect(step).toHaveCount(0);
  });

  test("chat: the same step with the keyboard only; Send anyway sends once", async ({ browser }) => {
    const { context, page } = await personIn(browser, "alex");
    try {
      await openChatRoom(page, "Alex", { path: ROOM });
      const text = `write to me at alex.home@example.com ${uniqueSuffix()}`;
      const box = page.getByLabel("Message", { exact: true });
      await box.focus();
      await page.keyboard.type(text);
      await page.keyboard.press("Enter");

      const step = page.getByTestId("personal-data-check");
      await expect(step).toBeVisible();
      await expect(step).toContainText("This looks like personal information (an e-mail address). Anyone in this room will see it. Send anyway?");
      await expect(step.getByRole("heading", { name: "Before you post: a quick check" })).toBeFocused();
      await expect(box).toHaveValue(text);
      await expect(messageFrom(page, text)).toHaveCount(0);
      await expectAccessible(page);

      // Tab to "Send anyway", Enter: sent once, the box empty, the step gone.
      await page.keyboard.press("Tab");
      await expect(step.getByRole("button", { name: "Send anyway" })).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(messageFrom(page, text)).toHaveCount(1);
      await expect(page.getByTestId("chat-pending")).toHaveCount(0);
      await expect(step).toHaveCount(0);
      await expect(box).toHaveValue("");

      // Edit my message, keyboard only: focus back in the box with the text.
      const second = `or on 020 7946 0958 ${uniqueSuffix()}`;
      await box.focus();
      await page.keyboard.type(second);
      await page.keyboard.press("Enter");
      await expect(step).toBeVisible();
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      await expect(step.getByRole("button", { name: "Edit my message" })).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(box).toBeFocused();
      await expect(box).toHaveValue(second);
      await expect(step).toHaveCount(0);
      await box.fill("");
    } finally {
      await context.close();
    }
  });
});
