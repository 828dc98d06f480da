import { request as playwrightRequest } from "@playwright/test";
import { DEMO_PASSWORD, demo, expect, expectAccessible, gotoAndHydrate, ORIGIN, signUpOverHttp, test, uniqueSuffix } from "./helpers";

const FORUM = "/groups/cervical-dystonia/forum";

test.describe("forum unread and following", () => {
  test("a reply in my thread shows as 1 new; jump to first unread lands on it; I mute the thread", async ({ page }) => {
    // B: a new member who starts a thread (over HTTP), then reads it in the browser.
    const b = await playwrightRequest.newContext({ baseURL: ORIGIN, extraHTTPHeaders: { Origin: ORIGIN } });
    await signUpOverHttp(b, "Unread");
    expect((await b.post("/groups/cervical-dystonia/membership", { form: { intent: "join" }, maxRedirects: 0 })).status()).toBe(302);
    const title = `Does the pulling ease at night ${uniqueSuffix()}`;
    const started = await b.post(`${FORUM}/new`, { form: { intent: "post", title, body: "Mine is worse in the evening." }, maxRedirects: 0 });
    expect(started.status()).toBe(302);
    const threadPath = new URL(started.headers()["location"]!, ORIGIN).pathname;
    await page.context().addCookies((await b.storageState()).cookies);
    await gotoAndHydrate(page, threadPath);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByRole("link", { name: "Jump to first unread" })).toHaveCount(0);

    // A (Alex) replies.
    const a = await playwrightRequest.newContext({ baseURL: ORIGIN, extraHTTPHeaders: { Origin: ORIGIN } });
    expect((await a.post("/signin", { form: { email: demo.alex.email, password: DEMO_PASSWORD }, maxRedirects: 0 })).status()).toBe(302);
    const replied = await a.post(threadPath, { form: { intent: "post", body: "Yes, a warm towel helps me." }, maxRedirects: 0 });
    expect(replied.status()).toBe(302);
    const postId = /#post-(.+)$/.exec(replied.headers()["location"]!)![1]!;

    await gotoAndHydrate(page, FORUM);
    const item = page.getByRole("list", { name: "Threads" }).getByRole("listitem").filter({ hasText: title });
    await expect(item).toContainText("1 new");
    await expectAccessible(page);

    await item.getByRole("link", { name: title }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await page.getByRole("link", { name: "Jump to first unread" }).click();
    await expect(page.locator(`#post-${postId}`)).toBeFocused();
    await expect(page.locator(`#post-${postId}`)).toContainText("a warm towel helps me");

    await page.getByRole("link", { name: "Jump to the reply box" }).click();
    await expect(page.getByRole("textbox", { name: "Your reply" })).toBeFocused();

    // The "u" shortcut does the same from anywhere outside a text field.
    await page.getByRole("heading", { level: 1, name: title }).click();
    await page.keyboard.press("u");
    await expect(page.locator(`#post-${postId}`)).toBeFocused();

    // Mute the thread, by keyboard.
    const levels = page.getByRole("group", { name: "Notifications for this thread" });
    await expect(levels.getByRole("radio", { name: /Watching/ })).toBeChecked(); // B started it: watching
    await levels.getByRole("radio", { name: /Muted/ }).focus();
    await page.keyboard.press("Space");
    await expect(levels.getByRole("radio", { name: /Muted/ })).toBeChecked();
    await page.getByRole("button", { name: "Save notification level" }).press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Saved: muted." })).toBeVisible();
    await expectAccessible(page);

    // Another reply: the muted thread shows nothing new.
    expect((await a.post(threadPath, { form: { intent: "post", body: "And stretching." }, maxRedirects: 0 })).status()).toBe(302);
    await gotoAndHydrate(page, FORUM);
    await expect(item).toBeVisible();
    await expect(item).not.toContainText(/\b\d+ new\b|\bNew\b/);
    await a.dispose();
    await b.dispose();
  });
});
