import type { Page } from "@playwright/test";
import { demo, expect, expectAccessible, gotoAndHydrate, signUpInBrowser, test } from "./helpers";

/**
 * Blocking in Chromium: a new member blocks Robin from Robin's profile (the confirm page says what a
 * block does), finds Robin's forum post collapsed (server-rendered), opens the chat room and finds
 * Robin's message collapsed to one line, shows it with
 * the keyboard, then unblocks from Settings → Blocked members. A fresh member, so no demo person's
 * view changes for other specs. axe (light and dark) on the confirm page, the collapsed room and the
 * settings page.
 */
const ROOM_PATH = "/groups/cervical-dystonia/chat/demo-room-cervical-general";
const ROBINS_MESSAGE = "My botox appointment is next week";

const history = (page: Page) => page.getByRole("region", { name: "Message history" });

async function openRoom(page: Page, name: string) {
  await gotoAndHydrate(page, ROOM_PATH);
  await expect(page.getByTestId("presence").getByText(`${name} (you)`)).toBeVisible();
}

test("block from a profile, see their chat message collapsed and show it, unblock from settings", async ({ page }) => {
  const me = await signUpInBrowser(page, "Blocker");
  await gotoAndHydrate(page, "/groups/cervical-dystonia");
  await page.getByRole("button", { name: "Join group" }).click();
  await expect(page.getByRole("button", { name: "Join group" })).toHaveCount(0);

  // Robin's profile: Block leads to the confirm page, which explains what it does.
  await gotoAndHydrate(page, "/members/demo-robin");
  await page.getByRole("link", { name: `Block ${demo.robin.name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Block ${demo.robin.name}?` })).toBeVisible();
  await expect(page.getByText("they can't send you direct messages or mention you; they aren't told. Moderators still moderate.")).toBeVisible();
  await expectAccessible(page);
  const block = page.getByRole("button", { name: `Block ${demo.robin.name}` });
  await block.focus();
  await page.keyboard.press("Enter");
  // Back on the profile, which now offers Unblock.
  await expect(page).toHaveURL(/\/members\/demo-robin$/);
  await expect(page.getByRole("button", { name: `Unblock ${demo.robin.name}` })).toBeVisible();

  // In the forum Robin's opening post is collapsed on the server (a native disclosure: no JS needed).
  await gotoAndHydrate(page, "/groups/cervical-dystonia/forum/demo-thread-daily-life");
  const collapsed = page.getByTestId("blocked-post");
  await expect(collapsed).toHaveCount(1);
  await expect(collapsed.locator(":scope > summary")).toHaveText(/Post from someone you blocked/);
  await expect(page.getByText("I was diagnosed two years ago")).toBeHidden();
  await expectAccessible(page);
  await collapsed.locator(":scope > summary").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("I was diagnosed two years ago")).toBeVisible();

  // In the room Robin's message is one collapsed line; others' messages are as before.
  await openRoom(page, me.displayName);
  const lines = history(page).getByTestId("blocked-line");
  await expect(lines).toHaveCount(1);
  await expect(lines).toHaveText(/Message from someone you blocked/);
  await expect(history(page).getByText(ROBINS_MESSAGE)).toHaveCount(0);
  await expect(history(page).getByText("Welcome to the live chat!")).toBeVisible();
  await expectAccessible(page);

  const show = lines.getByRole("button", { name: "Show" });
  await expect(show).toHaveAttribute("aria-expanded", "false");
  const box = await show.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.width).toBeGreaterThanOrEqual(44);
  await show.focus();
  await page.keyboard.press("Enter");
  await expect(history(page).getByText(ROBINS_MESSAGE)).toBeVisible();
  const hide = lines.getByRole("button", { name: "Hide" });
  await expect(hide).toHaveAttribute("aria-expanded", "true");
  await expect(hide).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(history(page).getByText(ROBINS_MESSAGE)).toHaveCount(0);

  // Other people's messages offer "Block <name>" in their options menu.
  const sams = history(page).getByTestId("chat-message").filter({ hasText: "Welcome to the live chat!" });
  await sams.getByText("Options").click();
  await expect(sams.getByRole("link", { name: `Block ${demo.sam.name}` })).toBeVisible();

  // Settings → Blocked members lists Robin; Unblock is a plain form.
  await gotoAndHydrate(page, "/settings/blocked");
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Blocked members" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("blocked-member")).toHaveText(new RegExp(demo.robin.name));
  await expectAccessible(page);
  await page.getByRole("button", { name: `Unblock ${demo.robin.name}` }).click();
  await expect(page.getByRole("main").getByRole("status")).toHaveText(`You have unblocked ${demo.robin.name}.`);
  await expect(page.getByTestId("blocked-member")).toHaveCount(0);
  await expect(page.getByText("You don't block anyone.")).toBeVisible();

  // The room shows Robin's message again.
  await openRoom(page, me.displayName);
  await expect(history(page).getByText(ROBINS_MESSAGE)).toBeVisible();
  await expect(history(page).getByTestId("blocked-line")).toHaveCount(0);
});

test("settings → blocked members reflows at 320 px and is empty for a new member", async ({ page }) => {
  await signUpInBrowser(page, "Noblocks");
  await page.setViewportSize({ width: 320, height: 800 });
  await gotoAndHydrate(page, "/settings/blocked");
  await expect(page.getByRole("heading", { level: 2, name: "Blocked members" })).toBeVisible();
  await expect(page.getByText("You don't block anyone.")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectAccessible(page);
});
