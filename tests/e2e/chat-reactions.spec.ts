import type { Page } from "@playwright/test";
import { demo, expect, expectAccessible, signInAs, test, uniqueSuffix } from "./helpers";
import { messageFrom, openChatRoom, personIn, send } from "./chat-helpers";

/**
 * Reactions and the composer's draft in real browsers: Alex reacts with the keyboard only, Sam sees
 * the count change live in another browser context; the draft survives a reload and is gone once sent.
 */
const ROOM = { path: "/groups/blepharospasm/chat/demo-room-bleph-general", title: "General chat" };
const openRoom = (page: Page, name: string) => openChatRoom(page, name, ROOM);


test.describe("chat reactions and the draft", () => {
  test("react with the keyboard; the count reaches another browser live; screen readers hear who", async ({ browser, page, consoleErrors }) => {
    const sam = await personIn(browser, "sam");
    consoleErrors.watch(sam.page);
    await openRoom(sam.page, demo.sam.name);
    const text = `Eye drops helped today ${uniqueSuffix()}`;
    await send(sam.page, text);

    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name);
    const mine = messageFrom(page, text);
    const hug = mine.getByRole("button", { name: /^Hug/ });
    await expect(hug).toHaveAttribute("aria-pressed", "false");
    await expect(hug).toHaveAccessibleName(/Hug\s*, no one yet/);
    // At least 44×44 px.
    const box = (await hug.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(box.height).toBeGreaterThanOrEqual(44);

    // Keyboard only: Space presses the focused toggle.
    await hug.focus();
    await page.keyboard.press("Space");
    await expect(hug).toHaveAttribute("aria-pressed", "true");
    await expect(hug).toHaveAccessibleName(/Hug\s*, you$/);

    // Sam sees it live, with the count, without reloading.
    const samHug = messageFrom(sam.page, text).getByRole("button", { name: /^Hug/ });
    await expect(samHug).toHaveAccessibleName(/Hug\s*, 1 person$/);
    await expect(samHug).toHaveAttribute("aria-pressed", "false");
    await expect(samHug).toContainText("1");

    // Sam adds one: Alex's button says "you and 1 other", live.
    await samHug.focus();
    await sam.page.keyboard.press("Enter");
    await expect(samHug).toHaveAccessibleName(/Hug\s*, you and 1 other$/);
    await expect(hug).toHaveAccessibleName(/Hug\s*, you and 1 other$/);
    await expect(hug).toContainText("2");

    // Tab moves on to Same here, then Helpful: each its own toggle.
    await hug.focus();
    await page.keyboard.press("Tab");
    await expect(mine.getByRole("button", { name: /^Same here/ })).toBeFocused();
    await page.keyboard.press("Tab");
    const helpful = mine.getByRole("button", { name: /^Helpful/ });
    await expect(helpful).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(helpful).toHaveAttribute("aria-pressed", "true");
    await expect(messageFrom(sam.page, text).getByRole("button", { name: /^Helpful/ })).toHaveAccessibleName(/Helpful\s*, 1 person$/);

    // Taking the hug back: Sam's count drops to 1 (Sam's own).
    await hug.focus();
    await page.keyboard.press("Space");
    await expect(hug).toHaveAttribute("aria-pressed", "false");
    await expect(samHug).toHaveAccessibleName(/Hug\s*, you$/);

    // After a reload the reader's own reactions are still marked (history carries `mine`).
    await page.reload();
    await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
    await expect(messageFrom(page, text).getByRole("button", { name: /^Helpful/ })).toHaveAttribute("aria-pressed", "true");
    await expect(messageFrom(page, text).getByRole("button", { name: /^Hug/ })).toHaveAttribute("aria-pressed", "false");

    await expectAccessible(page);
    await expectAccessible(sam.page);
    await sam.context.close();
  });

  test("the draft survives a reload, is kept per person, and is gone once the server has the message", async ({ page }) => {
    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name);
    const box = page.getByLabel("Message", { exact: true });
    // The hint says which key sends and how to start a new line.
    await expect(page.locator("#chat-message-hint")).toContainText("Enter sends. Shift+Enter starts a new line.");
    const draft = `Half-written thought ${uniqueSuffix()}`;
    await box.fill(draft);
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    await page.reload();
    await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
    await expect(box).toHaveValue(`${draft}\nsecond line`);

    // A shared computer: the next person signed in on this browser doesn't see it; Alex, back, does.
    await signInAs(page, "sam");
    await openRoom(page, demo.sam.name);
    await expect(box).toHaveValue("");
    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name);
    await expect(box).toHaveValue(`${draft}\nsecond line`);

    // Sent and acked: the draft is gone, after a reload too.
    await box.focus();
    await page.keyboard.press("Enter");
    await expect(box).toHaveValue("");
    await expect(messageFrom(page, draft)).toBeVisible();
    await expect(page.getByTestId("chat-pending")).toHaveCount(0);
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("hearth:chat-draft:")).length)).toBe(0);
    await page.reload();
    await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
    await expect(box).toHaveValue("");
    await expect(messageFrom(page, draft)).toHaveCount(1);
  });
});
