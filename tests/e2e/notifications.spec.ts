import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, signInAs, test, uniqueSuffix } from "./helpers";

/** The header link's unread count, read from its accessible name ("Notifications, 3 unread"). */
async function unreadIn(page: Page): Promise<number> {
  const name = (await page.getByTestId("notifications-link").getAttribute("aria-label")) ?? "";
  const m = /Notifications, (\d+)\+? unread/.exec(name);
  return m ? Number(m[1]) : 0;
}

const linkWith = (page: Page, n: number) =>
  page.getByRole("banner").getByRole("link", { name: n > 0 ? `Notifications, ${n} unread` : "Notifications", exact: true });

/**
 * A crisis report reaches the moderator's open tabs live (count and one polite announcement, no
 * reload); the notifications page marks it urgent and unread in text, links to the queue, marks read
 * by keyboard without JavaScript-only controls, and the other tab's count follows. axe in light and
 * dark, and the page reflows at 320 px.
 */
test("crisis report → moderator's tabs update live → notifications page → mark read → other tab follows", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const word = uniqueSuffix();
  const title = `Live notice check ${word}`;

  // Robin starts a thread that Alex will report.
  await signInAs(page, "robin");
  await gotoAndHydrate(page, "/groups/cervical-dystonia/forum/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Your post").fill("Some days are harder than others, and today is one of them.");
  await page.getByRole("button", { name: "Post thread" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const threadUrl = page.url().split("?")[0]!;

  // Sam (moderator) has two tabs open, each with the one live connection.
  const sam = await browser.newContext();
  const tab1 = await sam.newPage();
  await signInAs(tab1, "sam", "/groups");
  const tab2 = await sam.newPage();
  await gotoAndHydrate(tab2, "/events");
  const before = await unreadIn(tab1);
  expect(await unreadIn(tab2)).toBe(before);

  // Alex reports the opening post: someone may be in crisis.
  await signInAs(page, "alex");
  await gotoAndHydrate(page, threadUrl);
  const post = page.getByRole("article").first();
  await post.getByText("Report…").click();
  await post.getByLabel("Someone may be in crisis or unsafe").check();
  await post.getByRole("button", { name: "Send report" }).click();
  await expect(page.getByText("Thank you. The moderators will look at your report.")).toBeVisible();

  // Both of Sam's tabs hear it without a reload; the title is announced once, politely.
  for (const tab of [tab1, tab2]) {
    await expect(linkWith(tab, before + 1)).toBeVisible({ timeout: 15_000 });
    await expect(tab.getByTestId("notification-announcer")).toHaveText("New notification, urgent: Urgent: a crisis report in Cervical dystonia");
    await expect(tab.getByTestId("notification-announcer")).toHaveAttribute("aria-live", "polite");
  }

  // The page: grouped under Today, urgent and unread in words, linking to the queue entry.
  await linkWith(tab1, before + 1).click();
  await expect(tab1.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  const today = tab1.getByRole("region", { name: "Today" });
  const line = today.getByTestId("notification").filter({ hasText: "Urgent: a crisis report in Cervical dystonia" });
  await expect(line).toBeVisible();
  await expect(line.getByText("Urgent", { exact: true })).toBeVisible();
  await expect(line.getByText("Unread", { exact: true })).toBeVisible();
  await expect(line.getByRole("link", { name: "Urgent: a crisis report in Cervical dystonia" })).toHaveAttribute("href", /^\/moderation#post-/);
  await expectAccessible(tab1);

  // Reflow at 320 px: nothing scrolls sideways.
  await tab1.setViewportSize({ width: 320, height: 800 });
  expect(await tab1.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await tab1.setViewportSize({ width: 1280, height: 800 });

  // Without JavaScript (a third window): "Mark as read" is a plain form.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await signInAs(plain, "sam");
  await plain.goto("/notifications");
  const plainLine = plain.getByTestId("notification").filter({ hasText: "Urgent: a crisis report in Cervical dystonia" });
  await plainLine.getByRole("button", { name: /^Mark as read/ }).click();
  await expect(plain.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  await expect(plainLine.getByText("Unread", { exact: true })).toHaveCount(0);
  await noJs.close();

  // Both live tabs follow, and announce nothing new for a count-only change.
  for (const tab of [tab1, tab2]) {
    await expect(linkWith(tab, before)).toBeVisible({ timeout: 15_000 });
    await expect(tab.getByTestId("notification-announcer")).toHaveText("New notification, urgent: Urgent: a crisis report in Cervical dystonia");
  }

  // Keyboard: the notice's link opens the queue entry it names.
  await line.getByRole("link", { name: "Urgent: a crisis report in Cervical dystonia" }).focus();
  await tab1.keyboard.press("Enter");
  await expect(tab1.getByRole("heading", { level: 1, name: "Moderation queue" })).toBeVisible();
  await expect(tab1.getByTestId("queue-item").filter({ hasText: title })).toBeVisible();
  await sam.close();
});
