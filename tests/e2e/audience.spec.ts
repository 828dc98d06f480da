import type { Browser, Page } from "@playwright/test";
import { type ConsoleErrors, expect, expectAccessible, gotoAndHydrate, ORIGIN, signInAs, test, uniqueSuffix, waitForHydration } from "./helpers";

/**
 * Issue 15, audience: the organization's owner closes the forum of a group they create (never a demo
 * group other specs read) and a visitor sees the members notice and a 404 for its thread; in
 * cervical-dystonia (readable by visitors) a member posts a "Members only" thread that visitors can't
 * open or list, members see its label; every group page says noindex. axe light and dark on the
 * group settings page and the notice.
 */

const ORG = "/organizations/dystonia-together";
const CERVICAL = "/groups/cervical-dystonia";

/** A fresh context, never signed in, watched for console errors (its 404s are on purpose). */
async function visitor(browser: Browser, consoleErrors: ConsoleErrors) {
  const context = await browser.newContext({ baseURL: ORIGIN });
  const page = await context.newPage();
  consoleErrors.watch(page);
  consoleErrors.allowHttpStatus(404);
  return { context, page };
}

/** Starts a thread in the group at `groupPath` (ticking "Members only" when asked); returns its path. */
async function startThread(page: Page, groupPath: string, title: string, membersOnly: boolean) {
  await gotoAndHydrate(page, `${groupPath}/forum/new`);
  const box = page.getByRole("checkbox", { name: /^Members only/ });
  if (membersOnly) {
    await expect(box).not.toBeChecked();
    await box.check();
  }
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Your post").fill(membersOnly ? "Just between us members." : "Anyone reading this from outside?");
  await page.getByRole("button", { name: "Post thread" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  return new URL(page.url()).pathname;
}

/** Opens `path` and checks its status and the noindex header; the page must not show `hidden`. */
async function open(page: Page, path: string, status: number, hidden: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(status);
  expect(res?.headers()["x-robots-tag"], path).toBe("noindex");
  await expect(page.getByText(hidden)).toHaveCount(0);
}

test("an owner closes a new group's forum to visitors: the group page says it is for members, its thread is a 404", async ({ page, browser, consoleErrors }) => {
  test.setTimeout(120_000);
  const word = uniqueSuffix();
  const name = `Audience circle ${word}`;
  const title = `Closed forum thread ${word}`;

  await signInAs(page, "morgan", ORG);
  await waitForHydration(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description").fill("A group for the audience test.");
  // New groups start with the forum closed: open it here so the settings page has something to turn off.
  const createBox = page.getByRole("checkbox", { name: "Visitors can read the forum" });
  await expect(createBox).not.toBeChecked();
  await createBox.check();
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const groupPath = new URL(page.url()).pathname;

  const threadPath = await startThread(page, groupPath, title, false);

  // Settings: the checkbox is on; turn it off and save.
  await gotoAndHydrate(page, `${groupPath}/settings`);
  const box = page.getByRole("checkbox", { name: "Visitors can read the forum" });
  await expect(box).toBeChecked();
  await expectAccessible(page);
  await box.uncheck();
  await page.getByRole("button", { name: "Save group" }).click();
  await expect(page.getByText("Group saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Visitors can read the forum" })).not.toBeChecked();
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");

  const v = await visitor(browser, consoleErrors);
  try {
    await open(v.page, groupPath, 200, title);
    await waitForHydration(v.page);
    await expect(v.page.getByText("This group's forum is for members")).toBeVisible();
    await expect(v.page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
    await expectAccessible(v.page);

    await open(v.page, threadPath, 404, title);
    await open(v.page, `${groupPath}/forum`, 404, title);
  } finally {
    await v.context.close();
  }

  // The owner (inside) still reads it.
  await gotoAndHydrate(page, threadPath);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
});

test("a member posts a Members only thread in a forum visitors can read: visitors get a 404 and don't see it listed", async ({ page, browser, consoleErrors }) => {
  test.setTimeout(120_000);
  const word = uniqueSuffix();
  const title = `Members only thread ${word}`;

  await signInAs(page, "alex");
  const threadPath = await startThread(page, CERVICAL, title, true);
  await expect(page.getByText("Members only", { exact: true }).first()).toBeVisible();
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
  await waitForHydration(page);
  await expectAccessible(page);

  await gotoAndHydrate(page, `${CERVICAL}/forum`);
  const row = page.getByRole("listitem").filter({ hasText: title });
  await expect(row).toBeVisible();
  await expect(row.getByText("Members only", { exact: true })).toBeVisible();

  const v = await visitor(browser, consoleErrors);
  try {
    await open(v.page, threadPath, 404, title);
    await waitForHydration(v.page);
    await expectAccessible(v.page);

    await open(v.page, `${CERVICAL}/forum`, 200, title);
    await waitForHydration(v.page);
    await expect(v.page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(v.page.getByText(title)).toHaveCount(0);
    await expect(v.page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");

    // Only the home page, the directory and the library may be indexed.
    for (const path of ["/", "/groups", "/library"]) {
      const res = await v.page.goto(path);
      expect(res?.headers()["x-robots-tag"], path).toBeUndefined();
      await expect(v.page.locator('meta[name="robots"]'), path).toHaveCount(0);
    }
  } finally {
    await v.context.close();
  }
});
