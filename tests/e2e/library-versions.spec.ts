import type { Locator } from "@playwright/test";
import { demo, expect, expectAccessible, gotoAndHydrate, ORIGIN, signInAs, test, uniqueSuffix, waitForHydration } from "./helpers";

const ORG = "dystonia-together";

/** Fills until the box holds exactly `text`: once in CI a fill straight after hydration landed after the old text instead of replacing it (the saved version held both). */
async function fillExactly(box: Locator, text: string) {
  await expect(async () => {
    await box.fill(text);
    await expect(box).toHaveValue(text, { timeout: 1_000 });
  }).toPass();
}

test("an organizer edits a guide twice, compares versions by keyboard, restores one, assigns a reviewer and uses the library upkeep page", async ({ page }) => {
  const title = `Night routine ${uniqueSuffix()}`;
  await signInAs(page, "morgan");
  await gotoAndHydrate(page, "/library/new?kind=guide");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Category").selectOption({ label: "Living with dystonia" });
  const body = page.getByRole("textbox", { name: "Guide", exact: true });
  await fillExactly(body, "# Sleep\n\nUse a firm pillow.\nKeep a routine.");
  await page.getByRole("button", { name: "Add guide" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const resourcePath = new URL(page.url()).pathname;

  try {
    // Two edits: a changed word, then an added line and a tag.
    const edit = async (text: string, tags?: string) => {
      await gotoAndHydrate(page, `${resourcePath}/edit`);
      await fillExactly(page.getByRole("textbox", { name: "Guide", exact: true }), text);
      if (tags !== undefined) await page.getByLabel("Tags (optional)").fill(tags);
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("heading", { level: 1, name: title, exact: true })).toBeVisible();
    };
    await edit("# Sleep\n\nUse a soft pillow.\nKeep a routine.");
    await edit("# Sleep\n\nUse a soft pillow.\nKeep a routine.\nTry a warm bath.", "sleep");
    await waitForHydration(page);

    // The resource page links the history for staff.
    await page.getByRole("link", { name: "History (3 versions)" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `History of “${title}”` })).toBeVisible();
    await waitForHydration(page);
    const versions = page.getByRole("region", { name: "Versions", exact: true }).getByRole("listitem");
    await expect(versions).toHaveCount(3);
    await expect(versions.first()).toContainText("Version 3 (current)");
    await expect(versions.first()).toContainText(`by ${demo.morgan.name}`);
    // Default comparison: the previous version against the current one.
    await expect(page.getByRole("heading", { name: "Changes from version 2 to version 3" })).toBeVisible();
    await expect(page.locator("ins", { hasText: "Try a warm bath." })).toContainText("[added:");
    await expectAccessible(page);

    // Compare version 1 with version 3, by keyboard only.
    const from = page.getByLabel("From version", { exact: true });
    await from.focus();
    await page.keyboard.press("ArrowDown"); // options are newest first: 2 → 1
    await expect(from).toHaveValue("1");
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("To version", { exact: true })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Compare" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Changes from version 1 to version 3" })).toBeVisible();
    await expect(page).toHaveURL(/from=1&to=3/);
    const changed = page.getByRole("list", { name: "Text changes, line by line" }).getByRole("listitem").filter({ hasText: "pillow" });
    await expect(changed.locator("del")).toHaveText("[removed: firm]");
    await expect(changed.locator("ins")).toHaveText("[added: soft]");
    await expect(changed).toContainText("Changed line:");
    await expectAccessible(page);

    // Restore version 1, with a confirm step.
    const restoreLink = page.getByRole("link", { name: "Restore version 1…" });
    await restoreLink.focus();
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("region", { name: "Restore version 1?" });
    await expect(confirm).toBeVisible();
    await expect(confirm).toBeFocused();
    await expect(confirm).toContainText("saved as a new version (version 4)");
    await expectAccessible(page);
    await confirm.getByRole("button", { name: "Yes, restore version 1" }).click();
    await expect(page.getByRole("status")).toHaveText("Version 1 restored: it is now version 4, the current one.");
    await expect(versions).toHaveCount(4);
    await expect(versions.first()).toContainText("restored from version 1");
    await expectAccessible(page);
    await gotoAndHydrate(page, resourcePath);
    await expect(page.getByRole("region", { name: "Guide" })).toContainText("Use a firm pillow.");
    await expect(page.getByRole("link", { name: "History (4 versions)" })).toBeVisible();

    // A reviewer, chosen on the edit form from the organization's team.
    await gotoAndHydrate(page, `${resourcePath}/edit`);
    const reviewer = page.getByLabel("Reviewer (optional)");
    await expect(reviewer.locator("option")).toHaveText(["No one: all staff", demo.morgan.name]);
    await reviewer.selectOption({ label: demo.morgan.name });
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title, exact: true })).toBeVisible();
    await gotoAndHydrate(page, `${resourcePath}/edit`);
    await expect(page.getByLabel("Reviewer (optional)")).toHaveValue(/.+/);
    // Saving the reviewer alone kept no new version (the content did not change).
    await gotoAndHydrate(page, resourcePath);
    await expect(page.getByRole("link", { name: "History (4 versions)" })).toBeVisible();
    await page.getByRole("button", { name: "Mark as reviewed today" }).click();
    await expect(page.getByRole("status")).toHaveText("Review stamp renewed: reviewed today.");

    // The organization's upkeep page, from its staff page.
    await gotoAndHydrate(page, `/organizations/${ORG}`);
    await page.getByRole("link", { name: "Library upkeep" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /^Library upkeep: / })).toBeVisible();
    await waitForHydration(page);
    for (const name of [/^Overdue \(\d+\)$/, /^Due in the next 30 days \(\d+\)$/, /^Broken links \(\d+\)$/]) await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    // Reviewed today: in neither review list.
    await expect(page.getByRole("link", { name: title })).toHaveCount(0);
    // The demo's NINDS link was last reviewed 13 months ago (db/seed-library.ts): overdue, no reviewer.
    const overdue = page.getByRole("region", { name: /^Overdue/ });
    const ninds = overdue.getByRole("listitem").filter({ hasText: "NINDS: Dystonia" });
    await expect(ninds).toContainText("Reviewer: no one (all staff are reminded)");
    await expectAccessible(page);
    const mine = page.getByRole("checkbox", { name: "Only mine (resources I review)" });
    await mine.focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/mine=1/);
    await expect(page.getByRole("checkbox", { name: "Only mine (resources I review)" })).toBeChecked();
    await expect(page.getByText("None of the resources you review are overdue for review.")).toBeVisible();
    await expectAccessible(page);

    // Mark reviewed from the list (by keyboard): it leaves the Overdue list.
    await page.getByRole("checkbox", { name: "Only mine (resources I review)" }).uncheck();
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).not.toHaveURL(/mine=1/);
    const markNinds = page.getByRole("button", { name: /^Mark reviewed\s*: NINDS: Dystonia$/ });
    await markNinds.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toHaveText("Marked reviewed today.");
    await expect(page.getByRole("region", { name: /^Overdue/ }).getByText("NINDS: Dystonia")).toHaveCount(0);
    await expectAccessible(page);
  } finally {
    // The guide leaves the library (other specs read its first page).
    const retired = await page.request.post(resourcePath, { form: { intent: "retire" }, headers: { Origin: ORIGIN } });
    expect(retired.status()).toBeLessThan(400);
  }
});

test("a reader can't open a guide's history: it is a 404", async ({ page, consoleErrors }) => {
  consoleErrors.allowHttpStatus(404);
  await signInAs(page, "alex");
  const answer = await page.goto("/library/demo-resource-dmrf/history");
  expect(answer?.status()).toBe(404);
  await gotoAndHydrate(page, "/library/demo-resource-dmrf");
  await expect(page.getByRole("link", { name: /^History/ })).toHaveCount(0);
});
