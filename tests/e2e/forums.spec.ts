import { request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { activeContent, xssPayloads } from "../helpers/xss-corpus";
import { demo, expect, expectAccessible, gotoAndHydrate, openThreadFromForum, ORIGIN, signInAs, signUpInBrowser, signUpOverHttp, test, uniqueSuffix, waitForHydration } from "./helpers";

const FORUM = "/groups/cervical-dystonia/forum";

/** The <main> of an HTML document: where user content lands. */
function mainOf(html: string): string {
  const start = html.indexOf("<main");
  const end = html.indexOf("</main>");
  expect(start, "page has a <main>").toBeGreaterThan(-1);
  return html.slice(start, end);
}

/** A signed-up, signed-in HTTP client that has joined the cervical dystonia group. */
async function memberClient(): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL: ORIGIN, extraHTTPHeaders: { Origin: ORIGIN } });
  await signUpOverHttp(api, "Poster");
  const join = await api.post("/groups/cervical-dystonia/membership", { form: { intent: "join" }, maxRedirects: 0 });
  expect(join.status()).toBe(302);
  return api;
}

/** Starts a thread over plain HTTP (the form's own POST) and returns its path. */
async function postThread(api: APIRequestContext, title: string, body: string): Promise<string> {
  const res = await api.post(`${FORUM}/new`, { form: { intent: "post", title, body }, maxRedirects: 0 });
  expect(res.status(), await res.text()).toBe(302);
  return new URL(res.headers()["location"]!, ORIGIN).pathname;
}

async function openThreadAs(page: Page, path: string) {
  await gotoAndHydrate(page, path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
}

test.describe("forums", () => {
  test("start a thread, reply, react, edit; a moderator locks it; members can't reply; search finds it", async ({ page, browser, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400);
    const word = `zebrafinch${uniqueSuffix()}`;
    const title = `Heat packs for neck spasms ${word}`;

    await signInAs(page, "alex");
    await gotoAndHydrate(page, "/groups/cervical-dystonia");
    await page.getByRole("link", { name: "Go to the Cervical dystonia forum →" }).click();
    await expect(page).toHaveURL(new RegExp(`${FORUM}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Cervical dystonia forum" })).toBeVisible();
    // Seeded threads, pinned first.
    const threads = page.getByRole("list", { name: "Threads" }).getByRole("listitem");
    await expect(threads.first()).toContainText("Welcome: how this forum works");
    await expect(threads.first()).toContainText("Pinned");
    await waitForHydration(page);
    await expectAccessible(page);

    // The exact time is in the title and read out, without making the timestamp a Tab stop (Trust #36).
    const time = threads.first().locator("time");
    await expect(time).toHaveAttribute("title", /\d{4}/);
    await expect(time).not.toHaveAttribute("tabindex", /.*/);

    // Start a thread: empty submit → inline errors; preview; post.
    await page.getByRole("link", { name: "Start a thread" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Start a thread in Cervical dystonia" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByText("Give your thread a title.")).toBeVisible();
    await expect(page.getByText("Write something first.")).toBeVisible();
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Your post").fill(`Does **warmth** help anyone else?\n\n- morning\n- evening\n\n${word}`);
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("region", { name: /Preview/ });
    await expect(preview.locator("strong")).toHaveText("warmth");
    await expect(preview.getByRole("listitem")).toHaveCount(2);
    await expect(page.getByLabel("Title")).toHaveValue(title);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    const threadUrl = page.url();
    await waitForHydration(page);
    await expectAccessible(page);

    // Reply.
    await page.getByLabel("Your reply").fill("Replying to myself: a heat pack for 10 minutes helps.");
    await page.getByRole("button", { name: "Post reply" }).click();
    await expect(page.getByRole("article").filter({ hasText: "a heat pack for 10 minutes helps." })).toBeVisible();
    await expect(page.getByLabel("Your reply")).toHaveValue("");
    await expect(page.getByText("1 reply", { exact: true })).toBeVisible();

    // React: a toggle button with a count, pressed and unpressed from the keyboard too.
    const opening = page.getByRole("article").first();
    const hug = opening.getByRole("button", { name: /^Hug\b/ });
    await expect(hug).toHaveAttribute("aria-pressed", "false");
    await hug.click();
    await expect(hug).toHaveAttribute("aria-pressed", "true");
    await expect(hug).toHaveAccessibleName(/Hug\s*:\s*1$/);
    const helpful = opening.getByRole("button", { name: /^Helpful\b/ });
    await helpful.focus();
    await page.keyboard.press("Enter");
    await expect(helpful).toHaveAttribute("aria-pressed", "true");
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole("article").first().getByRole("button", { name: /^Hug\b/ })).toHaveAttribute("aria-pressed", "true");

    // Edit the opening post: shows "edited".
    await page.getByRole("article").first().getByRole("link", { name: "Edit your post" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Edit your thread" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await page.getByLabel("Your post").fill(`Does warmth help anyone else? (Edited: cold packs too.) ${word}`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByRole("article").first()).toContainText("(Edited: cold packs too.)");
    await expect(page.getByRole("article").first()).toContainText(/\(edited/);

    // A moderator locks the thread.
    const modContext = await browser.newContext();
    const sam = await modContext.newPage();
    consoleErrors.watch(sam);
    try {
      await signInAs(sam, "sam");
      await gotoAndHydrate(sam, threadUrl);
      const tools = sam.getByRole("region", { name: "Moderator tools" });
      await expectAccessible(sam);
      await tools.getByRole("button", { name: "Lock thread" }).click();
      await expect(tools.getByRole("status").filter({ hasText: "Thread locked" })).toBeVisible();
      await expect(tools.getByRole("button", { name: "Unlock thread" })).toBeVisible();
    } finally {
      await modContext.close();
    }

    // The member can no longer reply, and is told why.
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByText("This thread is locked: it takes no new replies.").first()).toBeVisible();
    await expect(page.getByLabel("Your reply")).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Reply" })).toContainText("This thread is locked: it takes no new replies.");
    await expectAccessible(page);

    // Search finds it, from the header link and from the forum's own box.
    await page.getByRole("banner").getByRole("link", { name: "Search" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Search the forums" })).toBeVisible();
    await waitForHydration(page);
    await page.getByRole("searchbox", { name: "Search for" }).fill(word);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const result = page.getByRole("listitem").filter({ hasText: "Heat packs for neck spasms" });
    await expect(result.first()).toBeVisible();
    await expect(result.first().locator("mark").first()).toHaveText(new RegExp(word, "i"));
    await expectAccessible(page);
    await result.first().getByRole("link").click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

    await gotoAndHydrate(page, FORUM);
    await page.getByRole("searchbox", { name: "Search this forum" }).fill(`"heat packs" ${word}`);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Search the Cervical dystonia forum" })).toBeVisible();
    await expect(page.getByRole("listitem").filter({ hasText: "Heat packs for neck spasms" }).first()).toBeVisible();
  });

  test("a post's author and block links open their pages in place, and Back returns to the thread", async ({ page }) => {
    await signInAs(page, "alex");
    await gotoAndHydrate(page, `${FORUM}/demo-thread-daily-life`);
    // A mark on this document: a full page load would lose it.
    await page.evaluate(() => void ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const sameDocument = () => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);
    const opening = page.getByRole("article").first();
    await opening.getByRole("link", { name: demo.robin.name, exact: true }).click();
    await expect(page).toHaveURL(/\/members\/demo-robin$/);
    await expect(page.getByRole("heading", { level: 1, name: demo.robin.name })).toBeVisible();
    expect(await sameDocument()).toBe(true);
    await page.goBack();
    await expect(page.getByRole("heading", { level: 1, name: /ordinary day look like for you/ })).toBeVisible();
    await opening.getByRole("link", { name: `Block ${demo.robin.name}` }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Block ${demo.robin.name}?` })).toBeVisible();
    expect(await sameDocument()).toBe(true);
  });

  test("visitors read public forums but not private ones; private threads never show in search", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(404);
    await gotoAndHydrate(page, FORUM);
    await expect(page.getByRole("link", { name: "Sign in" }).last()).toBeVisible();
    await openThreadFromForum(page, "Physical therapy: what actually helped you?");
    await expect(page.getByRole("link", { name: "Sign in to reply" })).toBeVisible();
    await expectAccessible(page);

    const res = await page.goto("/groups/carers-and-family/forum/demo-thread-carers");
    expect(res?.status()).toBe(404);
    expect((await page.goto("/groups/carers-and-family/forum"))?.status()).toBe(404);
    await gotoAndHydrate(page, "/search?q=dad+diagnosis");
    await expect(page.getByRole("heading", { level: 2, name: "No results for “dad diagnosis”" })).toBeVisible();
    await expectAccessible(page);
  });

  test("a failed or rate-limited post keeps the draft, with a clear message", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400, 429);
    await signUpInBrowser(page, "Drafter");
    // Join through the page's own control.
    await gotoAndHydrate(page, "/groups/cervical-dystonia");
    await page.getByRole("button", { name: /^Join group/ }).click();
    await expect(page.getByText("You are a member.")).toBeVisible();

    // Too long: the error names the limit, nothing typed is lost.
    await gotoAndHydrate(page, `${FORUM}/new`);
    const long = "a".repeat(20_001);
    await page.getByLabel("Title").fill("Too long");
    await page.getByLabel("Your post").fill(long);
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByText("Use at most 20,000 characters (you have 20,001).")).toBeVisible();
    await expect(page.getByLabel("Your post")).toHaveValue(long);

    // Five threads are fine; the sixth is refused with a clear message and the draft stays.
    for (let i = 1; i <= 5; i++) {
      await gotoAndHydrate(page, `${FORUM}/new`);
      await page.getByLabel("Title").fill(`Quick question number ${i}`);
      await page.getByLabel("Your post").fill(`Body ${i}`);
      await page.getByRole("button", { name: "Post thread" }).click();
      await expect(page.getByRole("heading", { level: 1, name: `Quick question number ${i}` })).toBeVisible();
    }
    await gotoAndHydrate(page, `${FORUM}/new`);
    await page.getByLabel("Title").fill("One thread too many");
    await page.getByLabel("Your post").fill("This draft must survive.");
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByRole("alert")).toContainText("You have started several threads in a short time. Your draft is kept here. Please try again in");
    await expect(page.getByLabel("Title")).toHaveValue("One thread too many");
    await expect(page.getByLabel("Your post")).toHaveValue("This draft must survive.");
    await expectAccessible(page);
  });

  test(`XSS corpus (${xssPayloads.length} payloads) in titles, bodies and links is inert in the HTML the server sends`, async ({ page, consoleErrors }) => {
    test.setTimeout(120_000);
    consoleErrors.allowHttpStatus(400);
    expect(xssPayloads.length).toBeGreaterThanOrEqual(20);
    const marker = `xsscorpus${uniqueSuffix()}`;

    // Titles: pack the payloads into titles of at most 200 characters.
    const titles: string[] = [];
    let current = marker;
    for (const p of xssPayloads) {
      if (`${current} ${p}`.length > 200) {
        titles.push(current);
        current = marker;
      }
      current = `${current} ${p}`;
    }
    titles.push(current);
    const body = [`${marker} body`, ...xssPayloads].join("\n\n");

    const paths: string[] = [];
    const clients: APIRequestContext[] = [];
    try {
      for (let i = 0; i < titles.length; i++) {
        if (i % 5 === 0) clients.push(await memberClient()); // five new threads per person per 15 minutes
        paths.push(await postThread(clients.at(-1)!, titles[i]!, body));
      }
      // Replies: every payload again, as its own reply (link URLs included).
      const replier = clients[0]!;
      for (const p of xssPayloads.slice(0, 15)) {
        const res = await replier.post(paths[0]!, { form: { intent: "post", body: p }, maxRedirects: 0 });
        expect(res.status()).toBe(302);
      }

      const control = await (await replier.get(`${FORUM}/demo-thread-physio`)).text();
      const scriptsPerPage = (control.match(/<script\b/gi) ?? []).length;

      const pages = [...paths, `${paths[0]}?from=latest`, FORUM, `/search?q=${marker}`];
      const editPath = `${paths[0]}/posts/`; // the edit form puts the body back into a <textarea>
      for (const path of pages) {
        const res = await replier.get(path);
        expect(res.status(), path).toBe(200);
        const html = await res.text();
        expect(activeContent(mainOf(html)), path).toEqual([]);
        expect((html.match(/<script\b/gi) ?? []).length, `no extra <script> in ${path}`).toBe(scriptsPerPage);
        for (const a of mainOf(html).matchAll(/<a\s[^>]*href="(?:https?:|mailto:)[^"]*"[^>]*>/g)) {
          expect(a[0]).toContain('rel="nofollow ugc noopener noreferrer"');
        }
      }
      // The thread's HTML shows the payloads as text.
      const thread = await (await replier.get(paths[0]!)).text();
      expect(mainOf(thread)).toContain("&lt;script&gt;alert(&#x27;xss1&#x27;)&lt;/script&gt;");
      const openingId = /id="post-([A-Za-z0-9_-]+)"/.exec(thread)![1]!;
      const opener = clients[0]!;
      const edit = await opener.get(`${editPath}${openingId}/edit`);
      expect(edit.status()).toBe(200);
      const editHtml = await edit.text();
      expect(activeContent(mainOf(editHtml))).toEqual([]);
      expect((editHtml.match(/<script\b/gi) ?? []).length).toBe(scriptsPerPage);
    } finally {
      for (const c of clients) await c.dispose();
    }

    // And in a real browser: no dialog, no injected global, nothing blocked by CSP in the console.
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await openThreadAs(page, paths[0]!);
    await openThreadAs(page, `${paths[0]}?from=latest`);
    await gotoAndHydrate(page, `/search?q=${marker}`);
    expect(dialogs).toBe(0);
  });
});
