import type { Page } from "@playwright/test";
import { demo, escapeRegExp, expect, expectAccessible, gotoAndHydrate, signInAs, test, uniqueSuffix } from "./helpers";
import { history, messageFrom, openChatRoom, personIn, send } from "./chat-helpers";

/**
 * Retention and move to forum in a real browser: the organization's owner sets how long a room keeps
 * its messages and the room says so; a moderator moves a message and its reply into a new thread
 * and the room shows the system line with the link.
 */
const LIST = "/groups/cervical-dystonia/chat";
const ROOM = { path: "/groups/cervical-dystonia/chat/demo-room-cervical-newcomers", title: "Newcomers' corner" };
const openRoom = (page: Page, name: string) => openChatRoom(page, name, ROOM);


test.describe("chat retention and move to forum", () => {
  test("the owner sets a room to keep messages 90 days; the list and the room say so", async ({ page }) => {
    await signInAs(page, "morgan", LIST);
    await expectAccessible(page);
    const choice = page.getByLabel(`Keep messages in ${ROOM.title}`);
    await choice.selectOption({ label: "90 days" });
    await choice.locator("xpath=ancestor::form").getByRole("button", { name: /^Save/ }).click();
    const words = "Messages in this room are deleted after 90 days. Pinned messages are kept.";
    await expect(page.getByRole("status").filter({ hasText: words })).toBeVisible();
    await expect(page.getByRole("listitem").filter({ has: page.getByRole("link", { name: ROOM.title }) }).getByTestId("room-retention")).toHaveText(words);

    await openRoom(page, demo.morgan.name);
    await expect(page.getByTestId("room-retention")).toHaveText(words);

    // Back to forever, for the other tests of this run.
    await gotoAndHydrate(page, LIST);
    await page.getByLabel(`Keep messages in ${ROOM.title}`).selectOption({ label: "Forever" });
    await page.getByLabel(`Keep messages in ${ROOM.title}`).locator("xpath=ancestor::form").getByRole("button", { name: /^Save/ }).click();
    await expect(page.getByRole("status").filter({ hasText: "kept until someone deletes them" })).toBeVisible();
  });

  test("a moderator moves a message with its reply to the forum, lands on the thread, and the room shows the line", async ({ browser, page, consoleErrors }) => {
    const alex = await personIn(browser, "alex");
    consoleErrors.watch(alex.page);
    const suffix = uniqueSuffix();
    const question = `Does anyone use sunglasses indoors? ${suffix}`;
    const answer = `Yes, tinted ones help me a lot ${suffix}`;

    await signInAs(page, "sam");
    await openRoom(page, demo.sam.name);
    await send(page, question);

    await openRoom(alex.page, demo.alex.name);
    const original = messageFrom(alex.page, question).first();
    await original.getByText("Options").click();
    await original.getByRole("button", { name: /^Reply/ }).click();
    await send(alex.page, answer);
    await expect(messageFrom(page, answer)).toBeVisible();

    // The reply quotes the question, so the question's own row is the first that contains it.
    const mine = messageFrom(page, question).first();
    await mine.getByText("Options").click();
    await mine.getByRole("link", { name: /^Move to forum/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Move to the forum" })).toBeVisible();
    const moving = page.getByRole("group", { name: "Messages to move" });
    await expect(moving.getByRole("checkbox")).toHaveCount(2);
    for (const box of await moving.getByRole("checkbox").all()) await expect(box).toBeChecked();
    await expectAccessible(page);

    const title = `Sunglasses indoors ${suffix}`;
    await page.getByLabel("Thread title").fill(title);
    await page.getByRole("button", { name: "Create thread" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByText(question)).toBeVisible();
    await expect(page.getByText(answer)).toBeVisible();
    await expect(page.getByText("Moved from the chat room")).toBeVisible();

    // The room, live in Alex's browser: the line with its link, and the moved messages marked.
    const line = history(alex.page).getByTestId("chat-system-line").filter({ hasText: title });
    await expect(line).toContainText("2 messages were moved to the forum:");
    await expect(messageFrom(alex.page, question).first().getByTestId("chat-moved-link")).toBeVisible();
    await line.getByRole("link", { name: title }).click();
    await expect(alex.page.getByRole("heading", { level: 1, name: new RegExp(escapeRegExp(title)) })).toBeVisible();
    await alex.context.close();
  });
});
