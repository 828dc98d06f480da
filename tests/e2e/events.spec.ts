import fs from "node:fs";
import type { Browser, Locator, Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, signInAs, signUpInBrowser, test, waitForHydration, type ConsoleErrors } from "./helpers";

const SECRET_LINK = `https://meet.example.org/e2e-${Date.now().toString(36)}`;

/** A new member in a context of their own, signed up through the form. */
async function newMember(browser: Browser, consoleErrors: ConsoleErrors, prefix: string): Promise<{ page: Page; name: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  consoleErrors.watch(page);
  const person = await signUpInBrowser(page, prefix);
  return { page, name: person.displayName };
}

/** The RSVP panel's own live status (the header has a polite announcer for notifications too). */
const rsvpStatus = (page: Page) => page.getByRole("region", { name: "Places" }).getByRole("status");

/**
 * A click as a person makes it: press, hold while the page renders what the press caused (a person's
 * click lasts ~100 ms, several frames), release. Playwright's own click releases within the same
 * frame, so it never sees a layout shift that a blur caused.
 */
async function humanClick(page: Page, target: Locator) {
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.mouse.up();
}

test.describe("events", () => {
  test("organizer posts an event with one place; A goes, B waits, A cancels, B is promoted; .ics download; axe clean", async ({ page, browser, consoleErrors }) => {
    // The form answers 400 with inline errors on purpose.
    consoleErrors.allowHttpStatus(400);
    await signInAs(page, "morgan", "/groups");

    // The listing, then the form, keyboard-reachable from the header.
    await page.getByRole("banner").getByRole("link", { name: "Events", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Upcoming events" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await page.getByRole("link", { name: "Post an event" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Post an event" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    const title = `Stretch together ${Date.now().toString(36)}`;
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Description (optional)").fill("Gentle stretches, **at your own pace**.\n\n<script>alert(1)</script>");
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    // Bad input first: the end before the start, a capacity of 0, a javascript: link.
    await page.getByLabel("Starts").fill("2030-06-01T18:00");
    await page.getByLabel("Ends").fill("2030-06-01T17:00");
    await page.getByLabel("Online", { exact: true }).check();
    await page.getByLabel("Online link (online and hybrid)").fill("javascript:alert(1)");
    await page.getByLabel("Capacity (optional)").fill("0");
    await page.getByRole("button", { name: "Post event" }).click();
    await expect(page.getByText("The end must be after the start.").or(page.getByText("Enter a full web address starting with https:// (or http://)."))).not.toHaveCount(0);
    await expect(page.getByText("Capacity must be at least 1 (leave it empty for no limit).")).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveValue(title);
    await expectAccessible(page);

    // Fix it and post.
    await page.getByLabel("Online link (online and hybrid)").fill(SECRET_LINK);
    await page.getByLabel("Capacity (optional)").fill("1");
    await page.getByLabel("Ends").fill("2030-06-01T20:00");
    await page.getByRole("button", { name: "Post event" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page).toHaveURL(/\/events\/[A-Za-z0-9_-]+$/);
    const eventUrl = page.url();
    await expect(page.getByText("Sat 1 Jun 2030, 18:00–20:00 CEST").or(page.getByText(/your time \(18:00 CEST\)/))).toBeVisible();
    await expect(page.getByTestId("places")).toHaveText("1 of 1 place left · 0 going");
    // The organizer sees the link; the description's HTML is shown as text, never run.
    await expect(page.getByTestId("online-link")).toHaveText(SECRET_LINK);
    await expect(page.getByText("<script>alert(1)</script>")).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    // Member A goes.
    const a = await newMember(browser, consoleErrors, "Goer");
    await gotoAndHydrate(a.page, eventUrl);
    await expect(a.page.getByTestId("online-link")).toHaveCount(0);
    expect(await a.page.content()).not.toContain(SECRET_LINK);
    await a.page.getByRole("button", { name: "I'm going" }).click();
    await expect(rsvpStatus(a.page)).toHaveText("You are going. See you there!");
    await expect(a.page.getByTestId("my-status")).toHaveText("You are going.");
    await expect(a.page.getByTestId("online-link")).toHaveText(SECRET_LINK);
    await expectAccessible(a.page);

    // Member B joins the waitlist and never sees the link.
    const b = await newMember(browser, consoleErrors, "Waiter");
    await gotoAndHydrate(b.page, eventUrl);
    await expect(b.page.getByTestId("places")).toHaveText("0 of 1 place left · 1 going");
    await b.page.getByRole("button", { name: "Join the waitlist" }).click();
    await expect(rsvpStatus(b.page)).toHaveText("The event is full: you are number 1 on the waitlist.");
    await expect(b.page.getByTestId("my-status")).toContainText("You are on the waitlist: number 1.");
    expect(await b.page.content()).not.toContain(SECRET_LINK);
    const icsForWaiter = await (await b.page.request.get(`${eventUrl}/calendar.ics`)).text();
    expect(icsForWaiter).toContain("BEGIN:VCALENDAR");
    expect(icsForWaiter.replace(/\r\n /g, "")).not.toContain(SECRET_LINK);
    await expectAccessible(b.page);

    // A cancels (keyboard only); B is promoted at once.
    await a.page.getByRole("button", { name: "Cancel my RSVP" }).focus();
    await a.page.keyboard.press("Enter");
    await expect(rsvpStatus(a.page)).toHaveText("Your RSVP is cancelled.");
    await expect(a.page.getByTestId("online-link")).toHaveCount(0);

    await b.page.reload();
    await waitForHydration(b.page);
    await expect(b.page.getByTestId("my-status")).toHaveText("You are going.");
    await expect(b.page.getByTestId("online-link")).toHaveText(SECRET_LINK);
    // The header tells B; the notice can be marked as read.
    const bell = b.page.getByRole("banner").getByRole("link", { name: /Notifications\W*1 unread/ });
    await expect(bell).toBeVisible();
    await bell.click();
    await expect(b.page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
    await expect(b.page.getByRole("link", { name: `A place opened up: you are going to "${title}"` })).toBeVisible();
    await waitForHydration(b.page);
    await expectAccessible(b.page);
    await b.page.getByRole("button", { name: /^Mark as read/ }).click();
    await expect(b.page.getByRole("banner").getByRole("link", { name: "Notifications", exact: true })).toBeVisible();

    // B downloads the .ics: valid calendar, with the link now that B is going.
    await gotoAndHydrate(b.page, eventUrl);
    const [download] = await Promise.all([b.page.waitForEvent("download"), b.page.getByRole("link", { name: "Add to calendar (.ics)" }).click()]);
    const ics = fs.readFileSync((await download.path())!, "utf8");
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(ics).toContain("DTSTART:20300601T160000Z");
    expect(ics.replace(/\r\n /g, "")).toContain(SECRET_LINK);

    // A visitor: no link in the page or the calendar.
    const visitor = await browser.newContext();
    const anon = await visitor.newPage();
    consoleErrors.watch(anon);
    await gotoAndHydrate(anon, eventUrl);
    await expect(anon.getByRole("link", { name: "Sign in to RSVP" })).toBeVisible();
    expect(await anon.content()).not.toContain(SECRET_LINK);
    expect((await (await anon.request.get(`${eventUrl}/calendar.ics`)).text()).replace(/\r\n /g, "")).not.toContain(SECRET_LINK);
    await expectAccessible(anon);

    // The organizer sees who is coming and the (empty) waitlist.
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole("list", { name: "Going" }).getByRole("listitem")).toHaveText([b.name]);
    await expect(page.getByText("Nobody is waiting.")).toBeVisible();
    await expectAccessible(page);

    await a.page.context().close();
    await b.page.context().close();
    await visitor.close();
  });

  test("a click right after leaving an invalid field lands; the time-zone picker finds Kyiv and Kathmandu by typing", async ({ page }) => {
    await signInAs(page, "morgan");
    // The whole form on screen, unscrolled: when scrolled, Chromium's scroll anchoring hides the shift.
    await page.setViewportSize({ width: 1280, height: 2400 });
    await gotoAndHydrate(page, "/events/new");
    // Leave the title too short, then go straight for a control below it with the mouse. A message
    // appearing on blur would push the control away between mousedown and mouseup and eat the click.
    await page.getByLabel("Title").fill("ab");
    const inPerson = page.getByLabel("In person", { exact: true });
    await humanClick(page, inPerson);
    await expect(inPerson).toBeChecked();
    const address = page.getByLabel("Address (in person and hybrid)");
    await humanClick(page, address);
    await expect(address).toBeFocused();
    // Errors still come, on submit, inline and announced; typing clears them.
    await page.getByRole("button", { name: "Post event" }).click();
    await expect(page.getByText("Use at least 3 characters for the title.")).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Title").fill("Coffee morning");
    await expect(page.getByText("Use at least 3 characters for the title.")).toHaveCount(0);

    const zone = page.getByLabel("Time zone");
    // Type-ahead in the closed list, as a keyboard user would: the place name comes first.
    for (const [typed, id] of [
      ["Kyiv", "Europe/Kyiv"],
      ["Kathmandu", "Asia/Kathmandu"],
      ["Kolkata", "Asia/Kolkata"],
    ] as const) {
      await zone.focus();
      await page.keyboard.type(typed);
      await expect(zone).toHaveValue(id);
      await page.getByLabel("Title").focus(); // ends the type-ahead run
    }
    await expect(zone.locator("option", { hasText: /Kiev|Katmandu|Calcutta/ })).toHaveCount(0);
    await expectAccessible(page);
  });
});
