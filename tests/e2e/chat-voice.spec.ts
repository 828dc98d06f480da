import type { Page } from "@playwright/test";
import { demo, expect, expectAccessible, signInAs, test, uniqueSuffix } from "./helpers";
import { history, messageFrom, openChatRoom, personIn } from "./chat-helpers";

/**
 * Voice notes in Chromium with a fake microphone (playwright.config.ts: --use-fake-device-for-media-stream
 * plays a tone; --use-fake-ui-for-media-stream allows it): Alex records about two seconds with the
 * keyboard only, adds a note and sends it; Sam sees it live in another browser context, plays it
 * (the audio is served through the policy, seekable with Range) and changes the speed. Axe in light
 * and dark on both pages.
 */
const ROOM = { path: "/groups/blepharospasm/chat/demo-room-bleph-general", title: "General chat" };
const openRoom = (page: Page, name: string) => openChatRoom(page, name, ROOM);


test.describe("chat voice notes", () => {
  test("record with the keyboard, add a note, send; another browser plays it and changes the speed", async ({ browser, page, consoleErrors }) => {
    const sam = await personIn(browser, "sam");
    consoleErrors.watch(sam.page);
    await openRoom(sam.page, demo.sam.name);

    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name);
    const recorder = page.getByTestId("voice-recorder");
    const toggle = recorder.getByRole("button", { name: "Record a voice note" });
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    const box = (await toggle.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(box.height).toBeGreaterThanOrEqual(44);

    // Keyboard only: Enter starts; the same button, now "Stop recording", is pressed.
    await toggle.focus();
    await page.keyboard.press("Enter");
    const stop = recorder.getByRole("button", { name: "Stop recording" });
    await expect(stop).toHaveAttribute("aria-pressed", "true");
    await expect(stop).toBeFocused();
    // About two seconds of the fake microphone's tone: the elapsed time is shown as text.
    await expect(recorder.getByTestId("voice-elapsed")).toContainText("Recording: 0:02 of 2:00", { timeout: 10_000 });
    await page.keyboard.press("Space");

    // Stopped: a preview to listen to, the note field focused, Send and Discard.
    await expect(recorder.getByTestId("voice-preview")).toBeVisible();
    const noteField = recorder.getByLabel("Note (optional)");
    await expect(noteField).toBeFocused();
    await expect(page.getByTestId("voice-live")).toContainText("Recording stopped");
    const note = `My voice today ${uniqueSuffix()}`;
    await page.keyboard.type(note);
    await page.keyboard.press("Tab");
    await expect(recorder.getByRole("button", { name: "Send voice note" })).toBeFocused();
    await page.keyboard.press("Enter");

    // Alex sees it at once (the upload's answer), and the recorder is ready again, focused.
    const mine = messageFrom(page, note);
    await expect(mine.getByTestId("voice-note")).toBeVisible();
    await expect(page.getByTestId("voice-live")).toHaveText("Voice note sent.");
    await expect(toggle).toBeFocused();
    await expect(mine).toHaveCount(1);

    // Sam sees it live, with its length as text and the note below.
    const theirs = messageFrom(sam.page, note);
    await expect(theirs.getByTestId("voice-note")).toBeVisible();
    await expect(theirs.getByTestId("voice-duration")).toHaveText(/^0:0[1-4]$/);
    const audio = theirs.locator("audio");
    await expect(audio).toHaveAttribute("preload", "metadata");
    const src = await audio.getAttribute("src");
    expect(src).toMatch(/^\/chat\/voice\/[A-Za-z0-9_-]+$/);

    // The file as the player asks for it: a Range request, answered 206, typed by its bytes.
    const part = await sam.context.request.get(src!, { headers: { Range: "bytes=0-99" } });
    expect(part.status()).toBe(206);
    expect(part.headers()["content-type"]).toBe("audio/webm");
    expect(part.headers()["content-range"]).toMatch(/^bytes 0-99\/\d+$/);
    // Playing: the browser knows its length and its position moves.
    const played = await audio.evaluate((el: HTMLAudioElement) =>
      Promise.race([el.play().then(() => "playing", (e: Error) => `${e.name}: ${e.message}`), new Promise((r) => setTimeout(() => r(`no answer, readyState ${el.readyState}, error ${el.error?.code ?? "none"}`), 10_000))]),
    );
    expect(played).toBe("playing");
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.readyState)).toBeGreaterThanOrEqual(1);
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => (Number.isNaN(el.duration) ? 0 : el.duration))).toBeGreaterThan(0);
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0);

    // The speed choice, by keyboard: a labelled select.
    const speed = theirs.getByLabel("Speed");
    await speed.focus();
    await speed.selectOption("1.5");
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.playbackRate)).toBe(1.5);
    await speed.selectOption("0.75");
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.playbackRate)).toBe(0.75);
    await audio.evaluate((el: HTMLAudioElement) => el.pause());

    // A direct request for another person's file without a session is refused, never served.
    const anonymous = await browser.newContext();
    const outsider = await anonymous.request.get(src!);
    expect(outsider.status()).toBeGreaterThanOrEqual(400);
    await anonymous.close();

    await expectAccessible(page);
    await expectAccessible(sam.page);
    await sam.context.close();
  });

  test("a recording can be discarded: nothing is sent and the toggle is back", async ({ page }) => {
    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name);
    const recorder = page.getByTestId("voice-recorder");
    const before = await history(page).getByTestId("voice-note").count();
    await recorder.getByRole("button", { name: "Record a voice note" }).click();
    await expect(recorder.getByTestId("voice-elapsed")).toContainText("0:01", { timeout: 10_000 });
    await recorder.getByRole("button", { name: "Stop recording" }).click();
    await expect(recorder.getByTestId("voice-preview")).toBeVisible();
    await expectAccessible(page);
    await recorder.getByRole("button", { name: "Discard" }).click();
    await expect(recorder.getByRole("button", { name: "Record a voice note" })).toBeFocused();
    await expect(recorder.getByTestId("voice-preview")).toHaveCount(0);
    await expect(page.getByTestId("voice-live")).toHaveText("Voice note discarded.");
    await page.reload();
    await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
    await expect(history(page).getByTestId("voice-note")).toHaveCount(before);
  });

  test("a refused microphone, or a browser that can't record, says so clearly and sends nothing", async ({ browser }) => {
    // The person said no to the microphone (the fake UI always says yes, so the refusal is the browser's own error).
    const context = await browser.newContext();
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    const page = await context.newPage();
    await signInAs(page, "alex");
    await openRoom(page, demo.alex.name);
    const recorder = page.getByTestId("voice-recorder");
    await recorder.getByRole("button", { name: "Record a voice note" }).click();
    await expect(recorder.getByRole("alert")).toContainText("The browser was not allowed to use the microphone");
    await expect(recorder.getByRole("button", { name: "Record a voice note" })).toHaveAttribute("aria-pressed", "false");
    await expectAccessible(page);
    // No Opus recorder at all.
    await context.addInitScript(() => {
      Object.defineProperty(window, "MediaRecorder", { value: undefined });
    });
    await page.reload();
    await expect(page.getByTestId("presence").getByText(`${demo.alex.name} (you)`)).toBeVisible();
    await recorder.getByRole("button", { name: "Record a voice note" }).click();
    await expect(recorder.getByRole("alert")).toContainText("This browser can't record voice notes");
    await context.close();
  });
});
