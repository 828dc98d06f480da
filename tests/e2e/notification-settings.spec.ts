import { demo, type E2EMail, expect, expectAccessible, gotoAndHydrate, linkIn, nextMail, openThreadFromForum, signInAs, signUpInBrowser, test, uniqueSuffix } from "./helpers";

const THREAD = "/groups/cervical-dystonia/forum";
const THREAD_TITLE = "Physical therapy: what actually helped you?";

test.describe("notification settings and e-mail", () => {
  // The page offers the browser's own zone until the member has chosen one.
  test.use({ timezoneId: "Europe/Lisbon" });

  test("a member sets how each kind of news reaches them, keyboard only; the choices are kept", async ({ page }) => {
    await signUpInBrowser(page, "Prefs");
    await gotoAndHydrate(page, "/settings/notifications");
    await expect(page.getByRole("heading", { name: "Notifications", level: 2 })).toBeVisible();
    // Staff-only kinds are not offered to a member who moderates nothing.
    await expect(page.getByRole("group", { name: "New reports in groups I moderate" })).toHaveCount(0);
    await expect(page.getByLabel("Your time zone")).toHaveValue("Europe/Lisbon");
    await expectAccessible(page);

    const replies = page.getByRole("group", { name: "Replies in threads I follow" });
    const mentions = page.getByRole("group", { name: "Mentions of me" });
    await replies.getByRole("radio", { name: "In Hearth and by e-mail at once" }).focus();
    await page.keyboard.press("ArrowDown");
    await expect(replies.getByRole("radio", { name: "In Hearth and in the daily e-mail digest" })).toBeChecked();
    // Tab moves to the next group's chosen radio.
    await page.keyboard.press("Tab");
    await expect(mentions.getByRole("radio", { name: "In Hearth and by e-mail at once" })).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(mentions.getByRole("radio", { name: "In Hearth only" })).toBeChecked();

    await page.getByLabel("Hold e-mail during quiet hours").focus();
    await page.keyboard.press("Space");
    await page.getByLabel("From", { exact: true }).fill("21:30");
    await page.getByLabel("Until", { exact: true }).fill("06:45");
    await page.getByLabel("Leave post text out of e-mails about private groups").focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Save notification settings" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Saved. Hearth will notify you this way from now on." })).toBeVisible();

    await gotoAndHydrate(page, "/settings/notifications");
    await expect(replies.getByRole("radio", { name: "In Hearth and in the daily e-mail digest" })).toBeChecked();
    await expect(mentions.getByRole("radio", { name: "In Hearth only" })).toBeChecked();
    await expect(page.getByLabel("Hold e-mail during quiet hours")).toBeChecked();
    await expect(page.getByLabel("From", { exact: true })).toHaveValue("21:30");
    await expect(page.getByLabel("Until", { exact: true })).toHaveValue("06:45");
    await expect(page.getByLabel("Your time zone")).toHaveValue("Europe/Lisbon");
    await expect(page.getByLabel("Leave post text out of e-mails about private groups")).not.toBeChecked();
  });

  test("the unsubscribe link from a real mention e-mail works signed out and stops only mention e-mail", async ({ page }) => {
    const word = `unsubscribe${uniqueSuffix()}`;
    await signInAs(page, "alex", THREAD);
    await openThreadFromForum(page, THREAD_TITLE);
    await page.getByLabel("Your reply").fill(`The ${word} tip, @${demo.robin.name}: it helped me.`);
    await page.getByRole("button", { name: "Post reply" }).click();
    await expect(page.locator("article").filter({ hasText: word })).toBeVisible();

    // Other tests may have mailed Robin too: take the mention mail.
    let mail: E2EMail;
    do mail = await nextMail(demo.robin.email);
    while (mail.subject !== "Someone mentioned you on Hearth");
    expect(mail.subject).not.toContain(THREAD_TITLE);

    await page.context().clearCookies();
    await gotoAndHydrate(page, linkIn(mail, "/unsubscribe"));
    await expect(page.getByRole("heading", { level: 1, name: "Stop these e-mails" })).toBeVisible();
    await expect(page.getByText("Mentions of me")).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Stop these e-mails" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Done. These now reach you in Hearth only, not by e-mail: Mentions of me." })).toBeVisible();

    await signInAs(page, "robin", "/settings/notifications");
    await expect(page.getByRole("group", { name: "Mentions of me" }).getByRole("radio", { name: "In Hearth only" })).toBeChecked();
    await expect(page.getByRole("group", { name: "Replies in threads I follow" }).getByRole("radio", { name: "In Hearth and by e-mail at once" })).toBeChecked();
    // Put Robin back as the demo seed has them, for the rest of the run.
    await page.getByRole("group", { name: "Mentions of me" }).getByRole("radio", { name: "In Hearth and by e-mail at once" }).check();
    await page.getByRole("button", { name: "Save notification settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved. Hearth will notify you this way from now on." })).toBeVisible();
  });
});
