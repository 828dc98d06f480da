import type { Browser, Page } from "@playwright/test";
import { demo, expect, gotoAndHydrate, signInAs } from "./helpers";

/** What the chat specs share: a demo person in their own browser context, a room opened and joined, a message sent. */

export async function personIn(browser: Browser, who: keyof typeof demo, options: { reducedMotion?: "reduce" } = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signInAs(page, who);
  return { context, page };
}

export const history = (page: Page) => page.getByRole("region", { name: "Message history" });
export const messageFrom = (page: Page, text: string) => history(page).getByTestId("chat-message").filter({ hasText: text });

/** Opens a room and waits until the socket has joined it (the presence list names `name`). */
export async function openChatRoom(page: Page, name: string, room: { path: string; title?: string }) {
  await gotoAndHydrate(page, room.path);
  if (room.title) await expect(page.getByRole("heading", { level: 1, name: room.title })).toBeVisible();
  await expect(page.getByTestId("presence").getByText(`${name} (you)`)).toBeVisible();
}

/** Sends with Enter and waits for the server's ack (no pending copy left). */
export async function send(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
  await expect(messageFrom(page, text)).toBeVisible();
  await expect(page.getByTestId("chat-pending")).toHaveCount(0);
}
