import type { Browser, Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, signUpInBrowser, test } from "./helpers";

/**
 * Direct messages in Chromium, two fresh members in two browser contexts (no demo person's
 * conversations change): the first chooses "Members of my groups" in Settings → Direct messages, the
 * second (who shares a group) starts a conversation from /messages/new with a first message, both
 * chat live, the first leaves and the second is told. axe (light and dark) on /messages,
 * /messages/new and the conversation.
 */
const GROUP = "/groups/cervical-dystonia";

async function freshMember(browser: Browser, prefix: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const person = await signUpInBrowser(page, prefix);
  await gotoAndHydrate(page, GROUP);
  await page.getByRole("button", { name: "Join group" }).click();
  await expect(page.getByRole("button", { name: "Join group" })).toHaveCount(0);
  return { context, page, person };
}

const history = (page: Page) => page.getByRole("region", { name: "Message history" });

async function send(page: Page, body: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(body);
  await box.press("Enter");
  await expect(history(page).getByText(body)).toBeVisible();
}

test("consent, start a conversation, chat live in two contexts, leave", async ({ browser }) => {
  const robin = await freshMember(browser, "Dmr");
  const kit = await freshMember(browser, "Dmk");

  // Nobody is the default: Kit is refused, with the one refusal text.
  await gotoAndHydrate(kit.page, "/messages/new");
  await kit.page.getByLabel("Person 1").fill(robin.person.displayName);
  await kit.page.getByRole("button", { name: "Start conversation" }).click();
  await expect(kit.page.getByRole("alert")).toHaveText(`${robin.person.displayName} doesn't accept direct messages from you.`);

  // Robin lets members of their groups start one.
  await gotoAndHydrate(robin.page, "/settings/messages");
  await expect(robin.page.getByRole("radio", { name: "Nobody" })).toBeChecked();
  await robin.page.getByRole("radio", { name: "Members of my groups" }).check();
  await robin.page.getByRole("button", { name: "Save" }).click();
  await expect(robin.page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved. Members of your groups can start a conversation with you.");
  await expectAccessible(robin.page);

  // Kit starts it, keyboard only: the form, "Add another person" adds a field and focuses it.
  await gotoAndHydrate(kit.page, "/messages/new");
  await kit.page.getByLabel("Person 1").fill(robin.person.displayName);
  await kit.page.getByRole("button", { name: "Add another person" }).focus();
  await kit.page.keyboard.press("Enter");
  await expect(kit.page.getByLabel("Person 2")).toBeFocused();
  await kit.page.getByLabel("First message (optional)").fill("Hello Robin, how is the new dose?");
  await expectAccessible(kit.page);
  await kit.page.getByRole("button", { name: "Start conversation" }).click();
  await expect(kit.page).toHaveURL(/\/messages\/[^/?]+/);
  await expect(kit.page.getByRole("heading", { level: 1, name: `With ${robin.person.displayName}` })).toBeVisible();
  await expect(history(kit.page).getByText("Hello Robin, how is the new dose?")).toBeVisible();
  const conversation = new URL(kit.page.url()).pathname;

  // Robin's list shows it, unread.
  await gotoAndHydrate(robin.page, "/messages");
  const item = robin.page.getByRole("list", { name: "Your conversations" }).getByRole("listitem").filter({ hasText: kit.person.displayName });
  await expect(item).toContainText("1 unread message");
  await expectAccessible(robin.page);
  await item.getByRole("link", { name: kit.person.displayName }).click();
  await expect(robin.page).toHaveURL(new RegExp(`${conversation}$`));
  await expect(history(robin.page).getByText("Hello Robin, how is the new dose?")).toBeVisible();
  await expect(robin.page.getByTestId("presence").getByText(`${robin.person.displayName} (you)`)).toBeVisible();
  await gotoAndHydrate(kit.page, conversation);
  await expect(kit.page.getByTestId("presence").getByText(`${kit.person.displayName} (you)`)).toBeVisible();

  // Live both ways.
  await send(robin.page, "Better, thanks! Less pulling.");
  await expect(history(kit.page).getByText("Better, thanks! Less pulling.")).toBeVisible();
  await send(kit.page, "Glad to hear it.");
  await expect(history(robin.page).getByText("Glad to hear it.")).toBeVisible();
  await expectAccessible(robin.page);

  // Robin leaves (a confirm step); Kit is told at once.
  await robin.page.getByRole("link", { name: "Leave conversation…" }).click();
  await expect(robin.page.getByRole("heading", { name: "Leave this conversation?" })).toBeVisible();
  await robin.page.getByRole("button", { name: "Leave conversation" }).click();
  await expect(robin.page).toHaveURL(/\/messages$/);
  await expect(robin.page.getByRole("list", { name: "Your conversations" })).toHaveCount(0);
  await expect(kit.page.getByRole("list", { name: "Room notices" }).getByText(`${robin.person.displayName} left the conversation.`)).toBeVisible();

  // Gone for Robin: the address answers 404.
  const gone = await robin.page.goto(conversation);
  expect(gone?.status()).toBe(404);

  await robin.context.close();
  await kit.context.close();
});
