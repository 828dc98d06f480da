import type { Browser } from "@playwright/test";
import { openChatRoom } from "./chat-helpers";
import { demo, expect, expectAccessible, gotoAndHydrate, labelFor, ORIGIN, signInAs, signUpInBrowser, test, uniqueSuffix } from "./helpers";

/**
 * Held content as its author and the other members see it (the moderator's side is held-review.spec.ts):
 * the organization's owner turns new-member review on (and back off in `finally`: the demo
 * organization is shared by every spec), a new member's first thread waits and is listed for them
 * only ("Waiting for review", axe in light and dark), another member never sees it, the author
 * withdraws it, and their first chat message is shown to them as waiting for a moderator's review.
 */

const ORG = "dystonia-together";
const GROUP = "cervical-dystonia";
const ROOM_PATH = `/groups/${GROUP}/chat/demo-room-cervical-general`;

async function personIn(browser: Browser) {
  const context = await browser.newContext({ baseURL: ORIGIN });
  return { context, page: await context.newPage() };
}

test("new-member review as the author sees it: thread waits (only theirs), withdraw, chat message waits", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const word = uniqueSuffix();
  const title = `Waiting thread ${word}`;
  const message = `My first hello in the room ${word}`;

  await signInAs(page, "morgan", `/organizations/${ORG}/safety`);
  try {
    await page.getByLabel(/Hold the first/).fill("1");
    await page.getByRole("button", { name: "Save safety settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Safety settings saved." })).toBeVisible();

    // A new member joins and starts a thread: it waits, and they are told so where they wrote it.
    const newcomer = await personIn(browser);
    const person = await signUpInBrowser(newcomer.page, "Heldauthor");
    await gotoAndHydrate(newcomer.page, `/groups/${GROUP}`);
    await newcomer.page.getByRole("button", { name: labelFor("Join group", "Cervical dystonia") }).click();
    await expect(newcomer.page.getByText("You are a member.")).toBeVisible();
    await gotoAndHydrate(newcomer.page, `/groups/${GROUP}/forum/new`);
    await newcomer.page.getByLabel("Title").fill(title);
    await newcomer.page.getByLabel("Your post").fill(`Has anyone tried warm compresses before stretching? ${word}`);
    await newcomer.page.getByRole("button", { name: "Post thread" }).click();
    await expect(newcomer.page).toHaveURL(/held=1/);
    const pending = newcomer.page.getByRole("region", { name: "Waiting for a moderator" });
    await expect(pending.getByText("waiting for a moderator's review")).toBeVisible();
    await expect(pending.getByText(`Waiting for review: ${title}`)).toBeVisible();
    await expect(newcomer.page.getByRole("link", { name: title })).toHaveCount(0);
    await expectAccessible(newcomer.page);

    // Robin, another member, sees neither the thread nor the pending list.
    const robin = await personIn(browser);
    await signInAs(robin.page, "robin", `/groups/${GROUP}/forum`);
    await expect(robin.page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(robin.page.getByText(title)).toHaveCount(0);
    await expect(robin.page.getByRole("region", { name: "Waiting for a moderator" })).toHaveCount(0);
    await robin.context.close();

    // The author withdraws it (on a fresh visit: the list is theirs on every visit, not only after posting).
    await gotoAndHydrate(newcomer.page, `/groups/${GROUP}/forum`);
    await expect(pending.getByText(`Waiting for review: ${title}`)).toBeVisible();
    await pending.getByRole("button", { name: `Withdraw “${title}”` }).click();
    await expect(newcomer.page.getByRole("status").filter({ hasText: "Withdrawn. It was never published." })).toBeVisible();
    await expect(newcomer.page.getByText(`Waiting for review: ${title}`)).toHaveCount(0);

    // Their first chat message in the group's room waits too, shown to them as waiting.
    await openChatRoom(newcomer.page, person.displayName, { path: ROOM_PATH });
    const box = newcomer.page.getByLabel("Message", { exact: true });
    await box.fill(message);
    await box.press("Enter");
    const waiting = newcomer.page.getByTestId("chat-pending").filter({ hasText: message });
    await expect(waiting).toContainText("Waiting for a moderator's review");
    await newcomer.context.close();
  } finally {
    const reset = await page.request.post(`/organizations/${ORG}/safety`, {
      form: { newMemberHolds: "0", autoHideReports: "3" },
      headers: { Origin: ORIGIN },
    });
    expect(reset.status(), `resetting ${demo.morgan.name}'s organization`).toBe(200);
  }
});
