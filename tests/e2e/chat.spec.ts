import type { Page } from "@playwright/test";
import { io as connectSocket } from "socket.io-client";
import { ORIGIN, demo, expect, expectAccessible, gotoAndHydrate, signInAs, test } from "./helpers";
import { history, messageFrom, openChatRoom, personIn } from "./chat-helpers";

/**
 * Live chat in real browsers: three people in three browser contexts in the same room. Messages
 * appear live for everyone; the moderator deletes one and mutes the other author; the muted person
 * sees why they can't send. axe checks the room page as a member and as a moderator.
 */
const ROOM_PATH = "/groups/cervical-dystonia/chat/demo-room-cervical-general";
/** A second room, so the fault tests below start from a room nobody has muted anyone in. */
const NEWCOMERS = { id: "demo-room-cervical-newcomers", path: "/groups/cervical-dystonia/chat/demo-room-cervical-newcomers", title: "Newcomers' corner" };
const openRoom = (page: Page, name: string, room = { path: ROOM_PATH, title: "General chat" }) => openChatRoom(page, name, room);


test.describe("live chat", () => {
  test("two members chat live; a moderator deletes one message and mutes the other author", async ({ browser, page, consoleErrors }) => {
    // Alex reaches the room from the group page, keyboard and reduced motion included.
    await signInAs(page, "alex");
    await gotoAndHydrate(page, "/groups/cervical-dystonia");
    await page.getByRole("link", { name: "Chat rooms" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Chat rooms" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "General chat" }).click();
    await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
    await expect(messageFrom(page, "Welcome to the live chat!")).toBeVisible();

    const robin = await personIn(browser, "robin", { reducedMotion: "reduce" });
    consoleErrors.watch(robin.page);
    await openRoom(robin.page, demo.robin.name);
    await expect(page.getByTestId("presence").getByText(demo.robin.name, { exact: true })).toBeVisible();

    // Alex sends with the keyboard only: Enter sends.
    const box = page.getByLabel("Message", { exact: true });
    await box.focus();
    await page.keyboard.type("Hello Robin, how was the appointment?");
    await expect(robin.page.getByTestId("typing")).toHaveText(`${demo.alex.name} is typing…`);
    await page.keyboard.press("Enter");
    await expect(box).toHaveValue("");
    await expect(messageFrom(page, "Hello Robin, how was the appointment?")).toBeVisible();
    await expect(page.getByTestId("chat-pending")).toHaveCount(0);
    await expect(messageFrom(robin.page, "Hello Robin, how was the appointment?")).toBeVisible();
    // Announced politely to screen readers.
    await expect(robin.page.getByTestId("chat-live")).toHaveText(`${demo.alex.name}: Hello Robin, how was the appointment?`);

    // Robin answers over two lines: Shift+Enter is a new line, Enter sends.
    const robinBox = robin.page.getByLabel("Message", { exact: true });
    await robinBox.focus();
    await robin.page.keyboard.type("It went well.");
    await robin.page.keyboard.press("Shift+Enter");
    await robin.page.keyboard.type("Buy my miracle neck cure!");
    await expect(robinBox).toHaveValue("It went well.\nBuy my miracle neck cure!");
    await robin.page.keyboard.press("Enter");
    await expect(messageFrom(page, "Buy my miracle neck cure!")).toBeVisible();
    await expect(page.getByTestId("chat-live")).toHaveText(`${demo.robin.name}: It went well.\nBuy my miracle neck cure!`);

    // An oversize message stays in the box with an inline error.
    await box.fill("x".repeat(4001));
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await expect(page.getByText("A message can be at most 4,000 characters.")).toBeVisible();
    await expect(box).toHaveValue("x".repeat(4001));
    await box.fill("");

    await expectAccessible(page);

    // The moderator arrives.
    const sam = await personIn(browser, "sam");
    consoleErrors.watch(sam.page);
    await openRoom(sam.page, demo.sam.name);
    await expect(sam.page.getByRole("heading", { name: "Moderator tools" })).toBeVisible();
    await expectAccessible(sam.page);

    // Sam deletes Robin's advert, with a reason.
    const advert = messageFrom(sam.page, "Buy my miracle neck cure!");
    await advert.getByText("Options").click();
    await advert.getByRole("button", { name: "Delete" }).click();
    await sam.page.getByLabel("Reason (the person will see it)").fill("Advertising is not allowed here.");
    await sam.page.getByRole("button", { name: "Delete message" }).click();
    await expect(sam.page.getByRole("status").filter({ hasText: "Message deleted." })).toBeVisible();
    for (const p of [page, robin.page, sam.page]) {
      await expect(history(p).getByText("Buy my miracle neck cure!")).toHaveCount(0);
      await expect(history(p).getByText("Message deleted by a moderator.")).toBeVisible();
      await expect(p.getByRole("list", { name: "Room notices" }).getByText("A moderator removed a message.")).toBeVisible();
    }

    // Sam mutes Robin for an hour; Robin sees why the box is disabled.
    const fromRobin = messageFrom(sam.page, "Same here, Alex.");
    await fromRobin.getByText("Options").click();
    await fromRobin.getByRole("button", { name: `Mute ${demo.robin.name}` }).click();
    await sam.page.getByLabel("For how long").selectOption({ label: "1 hour" });
    await sam.page.getByLabel("Reason (the person will see it)").fill("Please take a break after the advert.");
    await sam.page.getByRole("button", { name: "Mute", exact: true }).click();
    await expect(sam.page.getByRole("status").filter({ hasText: `${demo.robin.name} is muted.` })).toBeVisible();

    await expect(robin.page.getByText(/A moderator muted you in this room for 1 hour .*Please take a break after the advert\./).first()).toBeVisible();
    await expect(robinBox).toBeDisabled();
    await expect(robin.page.getByRole("button", { name: "Send", exact: true })).toBeDisabled();
    await expect(page.getByRole("list", { name: "Room notices" }).getByText(`${demo.robin.name} was muted for 1 hour by a moderator.`)).toBeVisible();

    // After a reload the reason is still there (from the server's policy).
    await gotoAndHydrate(robin.page, ROOM_PATH);
    await expect(robin.page.getByText(/^You are muted in this room until /)).toBeVisible();
    await expect(robin.page.getByLabel("Message", { exact: true })).toBeDisabled();
    await expectAccessible(robin.page);

    // Alex can still chat, and the moderator lifts the mute so later runs start clean.
    await box.focus();
    await page.keyboard.type("Take care, everyone.");
    await page.keyboard.press("Enter");
    await expect(messageFrom(sam.page, "Take care, everyone.")).toBeVisible();

    await robin.context.close();
    await sam.context.close();
  });

  test("a mute that runs out re-enables the send box by itself, without a reload", async ({ browser, page }) => {
    test.setTimeout(150_000);
    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name, NEWCOMERS);
    // The shortest mute the server takes is one minute; the moderator's own session sets it over
    // the real socket API (the page's choices start at ten minutes).
    const sam = await personIn(browser, "sam");
    const cookie = (await sam.context.cookies()).find((c) => c.name.endsWith("hearth_session"))!;
    const socket = connectSocket(ORIGIN, { transports: ["websocket"], extraHeaders: { cookie: `${cookie.name}=${cookie.value}`, origin: ORIGIN } });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const ack = (await socket.timeout(5000).emitWithAck("user:mute", { roomId: NEWCOMERS.id, userId: "demo-alex", minutes: 1, reason: "A one-minute pause" })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    socket.disconnect();

    const box = page.getByLabel("Message", { exact: true });
    await expect(page.getByText(/A moderator muted you in this room for 1 minute /).first()).toBeVisible();
    await expect(box).toBeDisabled();
    // No reload: the box comes back when the minute is over.
    await expect(box).toBeEnabled({ timeout: 80_000 });
    await expect(page.getByRole("button", { name: "Send", exact: true })).toBeEnabled();
    await box.fill("Back after my pause.");
    await page.keyboard.press("Enter");
    await expect(messageFrom(page, "Back after my pause.")).toBeVisible();
    await expect(page.getByTestId("chat-pending")).toHaveCount(0);
    await sam.context.close();
  });

  test("a message written while offline is sent by itself, exactly once, when the connection is back", async ({ browser, page }) => {
    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name, NEWCOMERS);
    // Robin's context is not watched for console errors: while it is offline, Chromium logs the
    // refused WebSocket reconnects, which is what this test provokes.
    const robin = await personIn(browser, "robin");
    await openRoom(robin.page, demo.robin.name, NEWCOMERS);

    await robin.context.setOffline(true);
    await expect(robin.page.getByText(/Reconnecting… The connection dropped/)).toBeVisible();
    const text = `Written on the train ${Date.now().toString(36)}`;
    const box = robin.page.getByLabel("Message", { exact: true });
    await box.fill(text);
    await robin.page.keyboard.press("Enter");
    const pending = robin.page.getByTestId("chat-pending").filter({ hasText: text });
    await expect(pending.getByText("Waiting for the connection: it will be sent when you are back online")).toBeVisible();
    await expect(pending.getByRole("button", { name: "Retry" })).toHaveCount(0);

    await robin.context.setOffline(false);
    await expect(messageFrom(page, text)).toHaveCount(1);
    await expect(robin.page.getByTestId("chat-pending")).toHaveCount(0);
    await expect(messageFrom(robin.page, text)).toHaveCount(1);
    // Stored once: a fresh page shows it once.
    await openRoom(page, demo.alex.name, NEWCOMERS);
    await expect(messageFrom(page, text)).toHaveCount(1);
    await robin.context.close();
  });

  test("outsiders of a private group get the not-found page for its room", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(404);
    await signInAs(page, "alex");
    const res = await page.goto("/groups/carers-and-family/chat/demo-room-carers-general");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  });
});
