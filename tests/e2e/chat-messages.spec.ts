import type { BrowserContext, Page } from "@playwright/test";
import { io } from "socket.io-client";
import { demo, expect, expectAccessible, gotoAndHydrate, ORIGIN, signInAs, test, uniqueSuffix } from "./helpers";
import { history, messageFrom, openChatRoom, personIn, send } from "./chat-helpers";

/**
 * Your own messages, replies and permalinks in real browsers: editing (another browser sees it live;
 * the moderator reads the earlier version), deleting with a confirm step, a reply whose original is
 * older than the loaded page (keyboard only), and Copy link → the room opened at that message.
 */
const GROUP = "cervical-dystonia";
const GENERAL = `/groups/${GROUP}/chat/demo-room-cervical-general`;
const openRoom = (page: Page, path: string, name: string) => openChatRoom(page, name, { path });

/** The message itself, not the replies quoting it. */
const theMessage = (page: Page, text: string) => messageFrom(page, text).filter({ hasNot: page.getByTestId("chat-reply-quote") });
/** One message by its seq (stable while its text is being edited). */
async function bySeq(page: Page, text: string) {
  const seq = await messageFrom(page, text).getAttribute("data-seq");
  return history(page).locator(`[data-seq="${seq}"]`);
}

async function options(page: Page, text: string) {
  const m = messageFrom(page, text);
  await m.getByText("Options").click();
  return m;
}

/** Sends `count` messages to the room as this context's person over a socket of their own (waiting out the send rate). */
async function sendOverSocket(context: BrowserContext, roomId: string, count: number, label: string) {
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("hearth_session"))!;
  const socket = io(ORIGIN, { transports: ["websocket"], extraHeaders: { cookie: `${cookie.name}=${cookie.value}`, origin: ORIGIN }, forceNew: true, reconnection: false });
  try {
    for (let i = 1; i <= count; ) {
      const ack = (await socket.timeout(10_000).emitWithAck("message:send", { roomId, body: `${label} ${i}`, clientId: `e2e-${uniqueSuffix()}` })) as { ok: boolean; error?: { code: string } };
      if (ack.ok) i += 1;
      else if (ack.error?.code === "rate_limited") await new Promise((r) => setTimeout(r, 1000)); // poll until the window has room again
      else throw new Error(`send failed: ${JSON.stringify(ack)}`);
    }
  } finally {
    socket.disconnect();
  }
}

test.describe("your own messages, replies and links", () => {
  test("edit and delete your own message: live in another browser, earlier versions for the moderator", async ({ browser, page, consoleErrors }) => {
    const sam = await personIn(browser, "sam");
    consoleErrors.watch(sam.page);
    await openRoom(sam.page, GENERAL, demo.sam.name);
    await signInAs(page, "alex");
    await openRoom(page, GENERAL, demo.alex.name);

    const first = `Meeting at five ${uniqueSuffix()}`;
    await send(page, first);
    await options(page, first);
    const mine = await bySeq(page, first);
    await mine.getByRole("button", { name: "Edit", exact: true }).click();
    const box = mine.getByLabel("Edit your message");
    await expect(box).toBeFocused();
    await expect(box).toHaveValue(first);
    const second = first.replace("five", "six");
    await box.fill(second);
    await mine.getByRole("button", { name: "Save edit" }).click();
    const edited = messageFrom(page, second);
    await expect(edited.getByTestId("chat-edited")).toContainText("(edited");
    // Sam sees the new words live, marked edited (the time is there for screen readers).
    const samSees = messageFrom(sam.page, second);
    await expect(samSees.getByTestId("chat-edited")).toBeVisible();
    await expect(samSees.getByTestId("chat-edited").locator("time")).toHaveAttribute("datetime", /^\d{4}-/);
    await expect(messageFrom(sam.page, first)).toHaveCount(0);

    // The moderator reads what it said before.
    await samSees.getByText("Options").click();
    await samSees.getByRole("button", { name: "Show earlier versions" }).click();
    const versions = samSees.getByTestId("chat-versions");
    await expect(versions.getByRole("listitem")).toHaveCount(1);
    await expect(versions.getByRole("listitem")).toContainText(first);
    await expectAccessible(sam.page);
    await versions.getByRole("button", { name: "Close earlier versions" }).click();
    await expect(versions).toHaveCount(0);

    // Delete: a confirm step that waits; "Keep it" leaves it alone, "Delete message" removes it.
    await edited.getByText("Options").click();
    await edited.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = edited.getByRole("group", { name: "Delete your message" });
    await expect(confirm.getByRole("button", { name: "Keep it" })).toBeFocused();
    await expectAccessible(page);
    await confirm.getByRole("button", { name: "Keep it" }).click();
    await expect(confirm).toHaveCount(0);
    await edited.getByText("Options").click();
    await edited.getByRole("button", { name: "Delete", exact: true }).click();
    await edited.getByRole("group", { name: "Delete your message" }).getByRole("button", { name: "Delete message" }).click();
    const gone = history(page).getByTestId("chat-message").filter({ hasText: "Message deleted by its author." });
    await expect(gone).not.toHaveCount(0);
    await expect(messageFrom(page, second)).toHaveCount(0);
    await expect(messageFrom(sam.page, second)).toHaveCount(0);
    await expect(history(sam.page).getByText("Message deleted by its author.").first()).toBeVisible();
    await sam.context.close();
  });

  test("keyboard only: reply to an older message, jump from the quote to it beyond the loaded page, back to the latest; copy its link and open it", async ({ browser, page, consoleErrors }) => {
    test.setTimeout(180_000);
    // A room of its own, so 55 messages of filler go nowhere else.
    const sam = await personIn(browser, "sam");
    consoleErrors.watch(sam.page);
    const roomName = `Long room ${uniqueSuffix()}`.slice(0, 40);
    await gotoAndHydrate(sam.page, `/groups/${GROUP}/chat`);
    await sam.page.getByLabel("Room name").fill(roomName);
    await sam.page.getByRole("button", { name: "Create room" }).click();
    const link = sam.page.getByRole("link", { name: roomName });
    await expect(link).toBeVisible();
    const roomPath = new URL((await link.getAttribute("href"))!, ORIGIN).pathname;
    const roomId = roomPath.split("/").at(-1)!;
    await openRoom(sam.page, roomPath, demo.sam.name);
    const original = `Has anyone tried the new clinic? ${uniqueSuffix()}`;
    await send(sam.page, original);
    // 55 more (from three people at once, each within the send rate), so the original is older than the latest page.
    const [alexCtx, robin] = [await personIn(browser, "alex"), await personIn(browser, "robin")];
    await Promise.all([sendOverSocket(sam.context, roomId, 19, "filler S"), sendOverSocket(alexCtx.context, roomId, 18, "filler A"), sendOverSocket(robin.context, roomId, 18, "filler R")]);
    await alexCtx.context.close();
    await robin.context.close();

    await signInAs(page, "alex");
    await openRoom(page, roomPath, demo.alex.name);
    await expect(theMessage(page, original)).toHaveCount(0);
    // Load the older page with the keyboard, then reply to the original.
    await page.getByRole("button", { name: "Load older messages" }).focus();
    await page.keyboard.press("Enter");
    const theirs = theMessage(page, original);
    await expect(theirs).toBeVisible();
    await theirs.getByText("Options").focus();
    await page.keyboard.press("Enter");
    await theirs.getByRole("button", { name: /^Reply/ }).focus();
    await page.keyboard.press("Enter");
    const box = page.getByLabel("Message", { exact: true });
    await expect(box).toBeFocused();
    await expect(page.getByTestId("chat-replying-to")).toContainText(`Replying to ${demo.sam.name}: ${original}`);
    const reply = `Yes, it was good ${uniqueSuffix()}`;
    await page.keyboard.type(reply);
    await page.keyboard.press("Enter");
    const mine = messageFrom(page, reply);
    await expect(mine).toBeVisible();
    await expect(page.getByTestId("chat-replying-to")).toHaveCount(0);
    await expect(mine.getByTestId("chat-reply-quote")).toContainText(original);
    // Sam sees the quote live.
    await expect(messageFrom(sam.page, reply).getByTestId("chat-reply-quote")).toContainText(original);

    // Reopen: only the latest page is loaded, the original is not in it.
    await openRoom(page, roomPath, demo.alex.name);
    await expect(theMessage(page, original)).toHaveCount(0);
    const quote = messageFrom(page, reply).getByTestId("chat-reply-quote");
    await quote.focus();
    await page.keyboard.press("Enter");
    // The page around the original replaces the list; the original is focused and highlighted.
    const found = theMessage(page, original);
    await expect(found).toBeFocused();
    await expect(found).toHaveAttribute("data-highlighted", "true");
    await expect(messageFrom(page, reply)).toHaveCount(0);
    const latest = page.getByRole("button", { name: "Jump to latest" });
    await expect(latest).toBeVisible();
    await expect(page.getByRole("button", { name: "Load newer messages" })).toBeVisible();
    await expectAccessible(page);

    // Copy link: one button; the permalink goes to the clipboard and "Link copied" is said.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: ORIGIN });
    await found.getByText("Options").focus();
    await page.keyboard.press("Enter");
    await found.getByRole("button", { name: "Copy link" }).focus();
    await page.keyboard.press("Enter");
    await expect(found.getByTestId("chat-copy-live")).toHaveText("Link copied");
    const seq = Number(await found.getAttribute("data-seq"));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${ORIGIN}${roomPath}?at=${seq}#message-${seq}`);

    // Back to the latest with the keyboard: the reply is there again, and new messages arrive live.
    await latest.focus();
    await page.keyboard.press("Enter");
    await expect(messageFrom(page, reply)).toBeVisible();
    await expect(latest).toHaveCount(0);
    const live = `Live after the jump ${uniqueSuffix()}`;
    await send(sam.page, live);
    await expect(messageFrom(page, live)).toBeVisible();

    // The link opens the room at that message, rendered on the server, focused and highlighted.
    const other = await browser.newContext();
    const opened = await other.newPage();
    consoleErrors.watch(opened);
    await signInAs(opened, "alex");
    await gotoAndHydrate(opened, copied);
    const target = theMessage(opened, original);
    await expect(target).toHaveAttribute("id", `message-${seq}`);
    await expect(target).toHaveAttribute("data-highlighted", "true");
    await expect(target).toBeFocused();
    // The socket catches up from the page's top (one page of up to 200): here that reaches the live end, without a gap.
    await expect(messageFrom(opened, live)).toHaveCount(1);
    await expect(opened.getByRole("button", { name: "Jump to latest" })).toHaveCount(0);
    await expect(target).toBeFocused();
    await expectAccessible(opened);
    const seqs = (await history(opened).getByTestId("chat-message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seq"))))) as number[];
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));

    // An `at` that is not a number is ignored: the room opens at its latest messages.
    await gotoAndHydrate(opened, `${roomPath}?at=banana`);
    await expect(messageFrom(opened, live)).toBeVisible();
    await other.close();
    await sam.context.close();
  });
});
