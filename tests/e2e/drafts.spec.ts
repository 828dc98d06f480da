import { request as playwrightRequest, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, ORIGIN, signUpOverHttp, test, uniqueSuffix } from "./helpers";

/**
 * Drafts that are never lost (issue 15): the reply box saves to the server after a pause, a reload
 * and another device restore it, the home page lists it, posting clears it; a new thread's draft is
 * discarded from the home page; a lost session keeps the text on this device until sign-in.
 * Each test makes its own member (fresh drafts, a session nobody else shares) and its own thread.
 */

const FORUM = "/groups/cervical-dystonia/forum";

async function member(): Promise<{ api: APIRequestContext; person: Awaited<ReturnType<typeof signUpOverHttp>> }> {
  const api = await playwrightRequest.newContext({ baseURL: ORIGIN, extraHTTPHeaders: { Origin: ORIGIN } });
  const person = await signUpOverHttp(api, "Drafter");
  const join = await api.post("/groups/cervical-dystonia/membership", { form: { intent: "join" }, maxRedirects: 0 });
  expect(join.status()).toBe(302);
  return { api, person };
}

async function postThread(api: APIRequestContext, title: string): Promise<string> {
  const res = await api.post(`${FORUM}/new`, { form: { intent: "post", title, body: "Opening post for drafts." }, maxRedirects: 0 });
  expect(res.status(), await res.text()).toBe(302);
  return new URL(res.headers()["location"]!, ORIGIN).pathname;
}

/** A browser context (a device) signed in as the member. */
async function device(browser: Browser, api: APIRequestContext): Promise<Page> {
  const context = await browser.newContext({ storageState: await api.storageState() });
  return context.newPage();
}

const replyBox = (page: Page) => page.getByRole("textbox", { name: "Your reply" });

test.describe("drafts", () => {
  test("a reply draft saves after a pause, survives a reload, follows to another device, shows on home, and goes once posted", async ({ page, browser }) => {
    const { api } = await member();
    const title = `Drafts thread ${uniqueSuffix()}`;
    const path = await postThread(api, title);
    await page.context().addCookies((await api.storageState()).cookies);

    await gotoAndHydrate(page, path);
    const text = `Heat helps me most in the evening ${Date.now()}`;
    await replyBox(page).fill(text);
    await expect(page.getByText("Draft saved")).toBeVisible();
    await expectAccessible(page);

    await page.reload();
    await expect(page.getByText(/Draft restored from/)).toBeVisible();
    await expect(replyBox(page)).toHaveValue(text);

    // Another device: nothing in its storage, the server's draft restores.
    const other = await device(browser, api);
    await gotoAndHydrate(other, path);
    await expect(replyBox(other)).toHaveValue(text);
    await expect(other.getByText(/Draft restored from/)).toBeVisible();
    await other.context().close();

    // Home lists it with Resume and Discard.
    await gotoAndHydrate(page, "/");
    const drafts = page.getByRole("region", { name: "Your drafts" });
    await expect(drafts.getByText(text)).toBeVisible();
    await expect(drafts.getByText(`Reply to “${title}” in Cervical dystonia`)).toBeVisible();
    await expectAccessible(page);
    await drafts.getByRole("link", { name: "Resume" }).click();
    await expect(replyBox(page)).toHaveValue(text);

    // Posting clears it on the server and on this device.
    await page.getByRole("button", { name: "Post reply" }).click();
    await expect(page.getByRole("article").filter({ hasText: text })).toBeVisible();
    await expect(replyBox(page)).toHaveValue("");
    await page.reload();
    await expect(replyBox(page)).toHaveValue("");
    await expect(page.getByText(/Draft restored from/)).toHaveCount(0);
    await gotoAndHydrate(page, "/");
    await expect(page.getByRole("region", { name: "Your drafts" })).toHaveCount(0);
    await api.dispose();
  });

  test("a new thread's draft is discarded from the home page with the keyboard", async ({ page }) => {
    const { api } = await member();
    await page.context().addCookies((await api.storageState()).cookies);
    await gotoAndHydrate(page, `${FORUM}/new`);
    const title = `Unfinished thought ${uniqueSuffix()}`;
    await page.getByLabel("Title").fill(title);
    await page.getByRole("textbox", { name: "Your post" }).fill("I will finish this later.");
    await expect(page.getByText("Draft saved")).toBeVisible();
    await expectAccessible(page);

    await gotoAndHydrate(page, "/");
    const drafts = page.getByRole("region", { name: "Your drafts" });
    await expect(drafts.getByText(title)).toBeVisible();
    await expect(drafts.getByText("New thread in Cervical dystonia")).toBeVisible();
    const discard = drafts.getByRole("button", { name: "Discard" });
    const box = await discard.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.width).toBeGreaterThanOrEqual(44);
    await discard.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("region", { name: "Your drafts" })).toHaveCount(0);

    // Gone on the form too (server and this device).
    await gotoAndHydrate(page, `${FORUM}/new`);
    await expect(page.getByLabel("Title")).toHaveValue("");
    await expect(page.getByText(/Draft restored from/)).toHaveCount(0);
    await api.dispose();
  });

  test("a lost session keeps the text on this device; after signing in again the form restores it", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(401);
    const { api, person } = await member();
    const path = await postThread(api, `Lost session ${uniqueSuffix()}`);
    await page.context().addCookies((await api.storageState()).cookies);
    await gotoAndHydrate(page, path);

    // The session ends (expired, or signed out elsewhere) while the page is open.
    await page.context().clearCookies();
    const text = `Typed after my session ended ${Date.now()}`;
    await replyBox(page).fill(text);
    await expect(page.getByText("You're signed out — your text is kept on this device.")).toBeVisible();
    const signInLink = page.getByRole("link", { name: "Sign in to post it." });
    await expect(signInLink).toHaveAttribute("href", `/signin?redirectTo=${encodeURIComponent(path)}`);
    await expectAccessible(page);

    // A reload (signed out now: the page has no reply box) loses nothing.
    await page.reload();
    await expect(replyBox(page)).toHaveCount(0);

    // The link's sign-in comes back to the thread.
    await gotoAndHydrate(page, `/signin?redirectTo=${encodeURIComponent(path)}`);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(person.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("banner").getByText(`Signed in as ${person.displayName}`)).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(replyBox(page)).toHaveValue(text);
    await expect(page.getByText(/Draft restored from/)).toBeVisible();
    // …and it reaches the server now.
    await expect(page.getByText("Draft saved")).toBeVisible();
    await api.dispose();
  });
});
