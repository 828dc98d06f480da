import type { Browser, Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, labelFor, signInAs, signUpInBrowser, test, uniqueSuffix } from "./helpers";

const HIDDEN = "Hidden while moderators review reports from members.";
const GROUP = "/groups/cervical-dystonia";

/** A new, verified member of Cervical dystonia in a browser context of their own. */
async function newMember(browser: Browser, prefix: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signUpInBrowser(page, prefix);
  await gotoAndHydrate(page, GROUP);
  await page.getByRole("button", { name: labelFor("Join group", "Cervical dystonia") }).click();
  await expect(page.getByText("You are a member.")).toBeVisible();
  return page;
}

/**
 * Auto-hide end to end in the demo (K = 3 for its organization, unchanged): three other new members
 * report a new member's reply → members see the notice instead of its text; Sam (the group's
 * moderator) sees it in the queue as hidden automatically, dismisses, and the reply is back. axe in
 * light and dark on the thread with the notice and on the queue.
 */
test("three members' reports hide a reply; the moderator sees it hidden automatically and dismisses it", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const word = uniqueSuffix();
  const title = `Auto-hide check ${word}`;
  const reply = `Throw away your splints and buy my oil ${word}`;

  const author = await newMember(browser, "Author");
  await gotoAndHydrate(author, `${GROUP}/forum/new`);
  await author.getByLabel("Title").fill(title);
  await author.getByLabel("Your post").fill("How do you all manage the mornings?");
  await author.getByRole("button", { name: "Post thread" }).click();
  await expect(author.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const threadUrl = new URL(author.url()).pathname;
  await author.getByLabel("Your reply").fill(reply);
  await author.getByRole("button", { name: "Post reply" }).click();
  await expect(author.getByRole("article").filter({ hasText: reply })).toBeVisible();

  for (const n of [1, 2, 3]) {
    const reporter = await newMember(browser, `Reporter${n}`);
    await gotoAndHydrate(reporter, threadUrl);
    const post = reporter.getByRole("article").filter({ hasText: reply });
    await post.getByText("Report…").click();
    await post.getByLabel("Unverified medical claim").check();
    await post.getByRole("button", { name: "Send report" }).click();
    await expect(reporter.getByText("Thank you. The moderators will look at your report.")).toBeVisible();
    await reporter.context().close();
  }

  // Another member reads the thread: the notice, not the text.
  const reader = await newMember(browser, "Reader");
  await gotoAndHydrate(reader, threadUrl);
  await expect(reader.getByText(HIDDEN)).toBeVisible();
  await expect(reader.getByText(reply)).toHaveCount(0);
  await expectAccessible(reader);

  // Sam moderates Cervical dystonia: the item says it was hidden automatically; dismissing brings it back.
  await signInAs(page, "sam");
  await gotoAndHydrate(page, "/moderation");
  const item = page.getByTestId("queue-item").filter({ hasText: reply });
  await expect(item).toBeVisible();
  await expect(item).toContainText("Hidden automatically (3 reports)");
  await expectAccessible(page);
  await item.getByLabel("Dismiss: nothing wrong here").check();
  await item.getByRole("button", { name: "Apply decision" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Dismissed. Every report about this content is closed." })).toBeVisible();
  await expect(page.getByTestId("queue-item").filter({ hasText: reply })).toHaveCount(0);

  await gotoAndHydrate(reader, threadUrl);
  await expect(reader.getByRole("article").filter({ hasText: reply })).toBeVisible();
  await expect(reader.getByText(HIDDEN)).toHaveCount(0);
  await reader.context().close();
  await author.context().close();
});
