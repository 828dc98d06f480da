import { demo, expect, expectAccessible, gotoAndHydrate, openThreadFromForum, signInAs, test, uniqueSuffix } from "./helpers";

const FORUM = "/groups/cervical-dystonia/forum";
const THREAD_TITLE = "Physical therapy: what actually helped you?";

test.describe("@mentions", () => {
  test("keyboard only: type @ and part of a name in a reply, pick with the arrows and Enter, post; the member is notified", async ({ page }) => {
    const word = `stretches${uniqueSuffix()}`;
    await signInAs(page, "alex", FORUM);
    await openThreadFromForum(page, THREAD_TITLE);

    const box = page.getByLabel("Your reply");
    await box.focus();
    await page.keyboard.type(`The ${word} helped me too, `);
    await page.keyboard.type("@Rob");
    const list = page.getByRole("listbox", { name: "Members to mention" });
    await expect(list).toBeVisible();
    const option = list.getByRole("option", { name: `@${demo.robin.name}` });
    await expect(option).toBeVisible();
    // The count is announced politely; the textarea keeps focus and points at the active option.
    await expect(page.getByText(/^\d+ suggestions?$/)).toBeAttached();
    await expect(box).toBeFocused();
    await expect(box).toHaveAttribute("aria-controls", (await list.getAttribute("id"))!);
    await expect(box).toHaveAttribute("aria-activedescendant", (await option.getAttribute("id"))!);
    await expect(option).toHaveAttribute("aria-selected", "true");
    const height = (await option.boundingBox())!.height;
    expect(height).toBeGreaterThanOrEqual(44);
    await expectAccessible(page);

    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    await expect(box).toHaveAttribute("aria-activedescendant", (await option.getAttribute("id"))!);
    await page.keyboard.press("Enter");
    await expect(list).toBeHidden();
    await expect(box).toBeFocused();
    await expect(box).toHaveValue(`The ${word} helped me too, @${demo.robin.name} `);

    // Escape closes a list that opened again, and Enter afterwards is a new line, not a pick.
    await page.keyboard.type("and @Sa");
    await expect(list).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("thank you.");

    // Tab leaves the textarea (never trapped): Preview, then Post reply.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Preview" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Post reply" })).toBeFocused();
    await page.keyboard.press("Enter");
    const posted = page.locator("article").filter({ hasText: word });
    await expect(posted).toBeVisible();
    // Robin shows their profile to members, and Alex shares the group: the mention links to it.
    await expect(posted.locator("a.mention")).toHaveText(`@${demo.robin.name}`);
    await expect(posted.locator("a.mention")).toHaveAttribute("href", "/members/demo-robin");

    // Robin hears of it (the fan-out job runs in the server's worker).
    await signInAs(page, "robin");
    const notice = page.getByRole("link", { name: `${demo.alex.name} mentioned you in “${THREAD_TITLE}”` });
    await expect(async () => {
      await gotoAndHydrate(page, "/notifications");
      await expect(notice.first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await notice.first().click();
    await expect(page.getByRole("heading", { level: 1, name: THREAD_TITLE })).toBeVisible();
    await expect(page.locator("article").filter({ hasText: word })).toBeVisible();
  });

  test("the chat composer: Enter picks the suggestion instead of sending", async ({ page }) => {
    await signInAs(page, "alex", "/groups/cervical-dystonia/chat/demo-room-cervical-general");
    const box = page.getByLabel("Message", { exact: true });
    await expect(box).toBeEnabled();
    await box.focus();
    const word = `hello${uniqueSuffix()}`;
    await page.keyboard.type(`${word} @Rob`);
    const list = page.getByRole("listbox", { name: "Members to mention" });
    await expect(list.getByRole("option", { name: `@${demo.robin.name}` })).toBeVisible();
    await expectAccessible(page);
    await page.keyboard.press("Enter");
    await expect(list).toBeHidden();
    await expect(box).toHaveValue(`${word} @${demo.robin.name} `);
    // Now Enter sends.
    await page.keyboard.press("Enter");
    await expect(box).toHaveValue("");
    const sent = page.getByTestId("chat-message").filter({ hasText: word });
    await expect(sent.locator(".mention")).toHaveText(`@${demo.robin.name}`);
  });

  test("the suggestions endpoint: only names and ids, 404 for a private group the viewer is not in", async ({ page }) => {
    await signInAs(page, "alex");
    const ok = await page.request.get("/groups/cervical-dystonia/mention-candidates?q=rob");
    expect(ok.status()).toBe(200);
    expect(ok.headers()["cache-control"]).toContain("no-store");
    const { members } = (await ok.json()) as { members: Record<string, unknown>[] };
    expect(members.map((m) => m.displayName)).toContain(demo.robin.name);
    for (const m of members) expect(Object.keys(m).sort()).toEqual(["displayName", "id"]);
    expect((await page.request.get("/groups/carers-and-family/mention-candidates?q=rob")).status()).toBe(404);
    await signInAs(page, "robin");
    const inside = await page.request.get("/groups/carers-and-family/mention-candidates?q=sam");
    expect(((await inside.json()) as { members: { displayName: string }[] }).members.map((m) => m.displayName)).toEqual([demo.sam.name]);
  });
});
