import type { Page } from "@playwright/test";
import ICAL from "ical.js";
import { escapeRegExp, expect, expectAccessible, gotoAndHydrate, labelFor, signInAs, signUpInBrowser, test, uniqueSuffix, waitForHydration } from "./helpers";

/** Morgan (the organization's owner) posts an in-person event in Carers & family, the private group. */
async function postPrivateEvent(page: Page, title: string, startsAt: string, endsAt: string) {
  await gotoAndHydrate(page, "/events/new");
  await page.getByLabel("Group (optional)").selectOption({ label: "Carers & family (private: members only)" });
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Time zone").selectOption("Europe/Berlin");
  await page.getByLabel("Starts").fill(startsAt);
  await page.getByLabel("Ends").fill(endsAt);
  await page.getByLabel("In person", { exact: true }).check();
  await page.getByLabel("Address (in person and hybrid)").fill("Community room");
  await page.getByRole("button", { name: "Post event" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "");

test.describe("event calendar", () => {
  // Days and times in the grid are the viewer's: this browser is in Berlin.
  test.use({ timezoneId: "Europe/Berlin" });
  test("month grid with the keyboard only: arrows, Home, PageDown, Enter lists the day's events; axe light and dark; 320 px", async ({ page }) => {
    const title = `Calendar circle ${uniqueSuffix()}`;
    await signInAs(page, "morgan");
    await postPrivateEvent(page, title, "2031-03-11T18:00", "2031-03-11T20:00");

    // The List / Month switch; then February 2031, one tab stop into the grid.
    await gotoAndHydrate(page, "/events");
    await page.getByRole("navigation", { name: "List or month" }).getByRole("link", { name: "Month" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Event calendar" })).toBeVisible();
    await gotoAndHydrate(page, "/events?view=month&month=2031-02");
    await expect(page.getByRole("table").getByText("February 2031")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Next month, March 2031" }).focus();
    await page.keyboard.press("Tab");
    await expect.poll(() => focusedName(page)).toBe("Saturday 1 February, no events");
    // Only one day is in the tab order.
    await expect(page.locator("table button[tabindex='0']")).toHaveCount(1);

    await page.keyboard.press("PageDown");
    await expect(page).toHaveURL(/month=2031-03/);
    await expect(page.getByRole("table").getByText("March 2031")).toBeVisible();
    await expect.poll(() => focusedName(page)).toBe("Saturday 1 March, no events");
    await page.keyboard.press("ArrowDown"); // Saturday 8
    await page.keyboard.press("ArrowRight"); // Sunday 9
    await page.keyboard.press("ArrowRight"); // Monday 10
    await page.keyboard.press("End"); // Sunday 16
    await expect.poll(() => focusedName(page)).toMatch(/^Sunday 16 March, /);
    await page.keyboard.press("Home"); // Monday 10
    await page.keyboard.press("ArrowRight"); // Tuesday 11
    await expect.poll(() => focusedName(page)).toMatch(/^Tuesday 11 March, \d+ events?$/);
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const day = page.locator("#month-day-events");
    await expect(day.getByRole("heading", { name: "Tuesday 11 March" })).toBeVisible();
    const link = day.getByRole("link", { name: new RegExp(escapeRegExp(title)) });
    await expect(link).toBeVisible();
    // The browser's zone (Berlin, as the event): 18:00.
    await expect(link).toContainText("18:00");
    await expect(page.getByRole("button", { name: /^Tuesday 11 March, / })).toHaveAttribute("aria-pressed", "true");
    await expectAccessible(page);

    // 320 px: the days with events as a list, nothing wider than the screen.
    await page.setViewportSize({ width: 320, height: 800 });
    const list = page.getByRole("list", { name: "Days with events in March 2031" });
    await expect(list.getByRole("link", { name: new RegExp(escapeRegExp(title)) })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await expectAccessible(page);
  });

  test("a member of a private group subscribes to its feed behind their token; it parses; after they leave it is 404", async ({ page, browser, consoleErrors }) => {
    const morganContext = await browser.newContext();
    const title = `Carers evening ${uniqueSuffix()}`;
    try {
      const morgan = await morganContext.newPage();
      consoleErrors.watch(morgan);
      await signInAs(morgan, "morgan");
      await postPrivateEvent(morgan, title, "2031-04-08T18:00", "2031-04-08T19:30");
    } finally {
      await morganContext.close();
    }

    // A new member asks to join Carers & family; Sam approves.
    const person = await signUpInBrowser(page, "Feeder");
    await gotoAndHydrate(page, "/groups");
    await page.getByRole("button", { name: labelFor("Ask to join", "Carers & family") }).click();
    await expect(page.getByText("Request pending: a moderator will review it.").first()).toBeVisible();
    const samContext = await browser.newContext();
    try {
      const sam = await samContext.newPage();
      consoleErrors.watch(sam);
      await signInAs(sam, "sam");
      await gotoAndHydrate(sam, "/groups/carers-and-family");
      const request = sam.getByRole("region", { name: "Requests to join" }).getByRole("listitem").filter({ hasText: person.displayName });
      await request.getByRole("button", { name: new RegExp(`^Approve\\s+${escapeRegExp(person.displayName)}$`) }).click();
      await expect(request).toHaveCount(0);
    } finally {
      await samContext.close();
    }

    // The group's events page asks for the personal address first, then shows the subscribe field.
    await gotoAndHydrate(page, "/events?group=carers-and-family");
    const subscribe = page.getByRole("region", { name: "Subscribe to Carers & family events" });
    await subscribe.getByRole("link", { name: "Create your calendar address" }).click();
    await page.getByRole("button", { name: "Create my calendar address" }).click();
    await expect(page.getByLabel("Your personal feed address")).toBeVisible();
    // The feeds page lists the private group with the secret address too.
    await expect(page.getByRole("link", { name: "Carers & family events (.ics) — private, yours only" })).toBeVisible();
    await expectAccessible(page);
    await gotoAndHydrate(page, "/events?group=carers-and-family");
    const field = subscribe.getByLabel("Calendar address for Carers & family");
    const url = await field.inputValue();
    expect(url).toMatch(/\/calendar\/[A-Za-z0-9_-]{20,}\/groups\/carers-and-family\.ics$/);
    await subscribe.getByRole("button", { name: "Copy" }).focus();
    await page.keyboard.press("Enter");
    await expect(subscribe.getByRole("status")).toBeVisible();
    await expectAccessible(page);

    // A calendar app sends no cookies: a fresh context fetches it.
    const app = await browser.newContext();
    try {
      const feed = await app.request.get(url);
      expect(feed.status()).toBe(200);
      expect(feed.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
      const calendar = new ICAL.Component(ICAL.parse(await feed.text()));
      const summaries = calendar.getAllSubcomponents("vevent").map((v) => String(v.getFirstPropertyValue("summary")));
      expect(summaries).toContain(title);
      // A wrong token and the public address of the private group: 404.
      expect((await app.request.get(url.replace(/\/calendar\/[^/]+\//, "/calendar/not-a-real-token-at-all-000000/"))).status()).toBe(404);
      expect((await app.request.get(url.replace(/\/calendar\/[^/]+\/groups\/carers-and-family\.ics$/, "/groups/carers-and-family/events.ics"))).status()).toBe(404);

      // The member leaves: the same address stops working at once.
      await gotoAndHydrate(page, "/groups/carers-and-family");
      await page.getByRole("link", { name: labelFor("Leave group", "Carers & family") }).click();
      await page.getByRole("button", { name: "Yes, leave the group" }).click();
      await expect(page).toHaveURL(/\/groups$/);
      await waitForHydration(page);
      expect((await app.request.get(url)).status()).toBe(404);
    } finally {
      await app.close();
    }
  });
});
