import type { Browser, Page } from "@playwright/test";
import { demo, expect, expectAccessible, gotoAndHydrate, signInAs, test } from "./helpers";

/**
 * Chat reading state in real browsers: opening a room marks it read (the list's count goes), a
 * message posted while you were away is counted in the room list and, on coming back, sits after
 * the "New messages" divider, which is announced once.
 */
const LIST = "/groups/cervical-dystonia/chat";
const ROOM = "/groups/cervical-dystonia/chat/demo-room-cervical-general";

const roomItem = (page: Page) => page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "General chat" }) });
const history = (page: Page) => page.getByRole("region", { name: "Message history" });

/** Robin posts in the room from a browser of her own. */
async function robinPosts(browser: Browser, text: string) {
  const robin = await browser.newContext();
  const robinPage = await robin.newPage();
  await signInAs(robinPage, "robin");
  await gotoAndHydrate(robinPage, ROOM);
  const box = robinPage.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
  await expect(history(robinPage).getByTestId("chat-message").filter({ hasText: text })).toBeVisible();
  await robin.close();
}

test("chat unread: counts in the room list and a New messages divider after another member posts while you were away", async ({ browser, page }) => {
  // Earlier specs may have had Alex read this room already: a message of Robin's makes sure something is unread.
  await robinPosts(browser, "Good morning, everyone");
  await signInAs(page, "alex");
  // The page tells the server what was seen over the socket: wait for that frame before leaving.
  const reads: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", (f) => void (String(f.payload).includes('"room:read"') && reads.push(String(f.payload)))));
  await gotoAndHydrate(page, ROOM);
  await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
  // With something unread the room opens at the "New messages" line; reading down to the newest (keyboard: End) marks the room read.
  await expect(history(page).getByTestId("new-messages-divider")).toBeVisible();
  await history(page).focus();
  await page.keyboard.press("End");
  await expect.poll(() => reads.length).toBeGreaterThan(0);
  // Seen (the newest message is in view): the room list shows nothing unread once the page has said so.
  await expect(async () => {
    await gotoAndHydrate(page, LIST);
    await expect(roomItem(page).getByTestId("room-unread")).toHaveCount(0);
  }).toPass();

  // Robin posts while Alex is on the room list.
  await robinPosts(browser, "Alex, are you around this evening?");

  await gotoAndHydrate(page, LIST);
  await expect(roomItem(page).getByTestId("room-unread")).toHaveText("1 unread");
  await expectAccessible(page);

  const readsBefore = reads.length;
  await page.getByRole("link", { name: "General chat" }).click();
  const divider = history(page).getByTestId("new-messages-divider");
  await expect(divider).toBeVisible();
  await expect(divider).toContainText("New messages");
  // The divider stands right before Robin's message, and the room says so once.
  await expect(history(page).locator("[data-testid=new-messages-divider] + [data-testid=chat-message]")).toContainText("Alex, are you around this evening?");
  await expect(page.getByTestId("chat-unread-live")).toHaveText("1 new message since you last read. They start after the “New messages” line.");
  await expectAccessible(page);

  // Alex reads down to it: the count goes.
  await history(page).focus();
  await page.keyboard.press("End");
  await expect.poll(() => reads.length).toBeGreaterThan(readsBefore);
  await expect(async () => {
    await gotoAndHydrate(page, LIST);
    await expect(roomItem(page).getByTestId("room-unread")).toHaveCount(0);
  }).toPass();
});
