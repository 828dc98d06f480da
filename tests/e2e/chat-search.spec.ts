import { expect, expectAccessible, gotoAndHydrate, signInAs, test, uniqueSuffix } from "./helpers";

/**
 * Chat search in a real browser, keyboard only: from a room's search box to the results (the match
 * marked), then the result's link opens the room at that message. Bad queries get clear words.
 */
const GROUP = "/groups/cervical-dystonia";
const ROOM = `${GROUP}/chat/demo-room-cervical-general`;

test("chat search: from a room to a result and back to the message in the room, by keyboard", async ({ page }) => {
  await signInAs(page, "alex");
  await gotoAndHydrate(page, ROOM);
  const word = `kumquat${uniqueSuffix()}`;
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(`Has anyone tried ${word} jam for breakfast?`);
  await box.press("Enter");
  const history = page.getByRole("region", { name: "Message history" });
  await expect(history.getByTestId("chat-message").filter({ hasText: word })).toBeVisible();

  // The room's own search box, by keyboard.
  const search = page.getByRole("search", { name: "Messages in General chat" }).getByRole("searchbox", { name: "Search General chat" });
  await search.focus();
  await page.keyboard.type(word);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/chat\/search\?q=.*&room=demo-room-cervical-general|\/chat\/search\?room=demo-room-cervical-general&q=/);
  await expect(page.getByRole("heading", { level: 1, name: "Search the chat of Cervical dystonia" })).toBeVisible();
  const results = page.getByRole("region", { name: /Messages with/ });
  await expect(results.getByRole("heading", { level: 2 })).toHaveText(`Messages with “${word}” in General chat, newest first`);
  const item = results.getByRole("listitem");
  await expect(item).toHaveCount(1);
  await expect(item.locator("mark")).toHaveText(word);
  await expectAccessible(page);

  // The result opens the room at that message.
  const open = item.getByRole("link", { name: /Open in General chat/ });
  const href = await open.getAttribute("href");
  const seq = /\?at=(\d+)#message-(\d+)$/.exec(href ?? "");
  expect(seq?.[1]).toBe(seq?.[2]);
  await open.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/chat/demo-room-cervical-general\\?at=${seq![1]}#message-${seq![1]}$`));
  await expect(page.locator(`#message-${seq![1]}`)).toContainText(word);

  // A search of every room finds the demo conversation by a word's stem, from the room list.
  await gotoAndHydrate(page, `${GROUP}/chat`);
  const all = page.getByRole("searchbox", { name: "Search all rooms" });
  await all.focus();
  await page.keyboard.type("appointments");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("in all rooms of Cervical dystonia");
  await expect(page.getByRole("listitem").filter({ hasText: "botox" }).locator("mark")).toHaveText("appointment");
  await expectAccessible(page);

  // Reflow: at 320 px the form and the results fit without sideways scrolling.
  await page.setViewportSize({ width: 320, height: 800 });
  await expect(page.getByRole("searchbox", { name: "Search for" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});

test("chat search: stop words, hostile characters and an overlong query get clear words, never an error page", async ({ page }) => {
  await signInAs(page, "alex");
  const base = `${GROUP}/chat/search`;
  let response = await gotoAndHydrate(page, `${base}?q=${encodeURIComponent("the and of")}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByText("Those words are too common to search for. Try a more particular word.")).toBeVisible();

  response = await gotoAndHydrate(page, `${base}?q=${encodeURIComponent(`&|!:*()'"\\ <script>alert(1)</script> 🌱`)}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 2 })).toContainText("No messages found for");

  response = await gotoAndHydrate(page, `${base}?q=${"a".repeat(501)}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByText("Use at most 200 characters.")).toBeVisible();
  await expectAccessible(page);

  // A room that is not one Alex may read here answers 404 (asked outside the page: the browser logs a 404 as a console error).
  expect((await page.request.get(`${base}?q=hello&room=no-such-room`)).status()).toBe(404);
});
