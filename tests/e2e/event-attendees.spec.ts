import { request as playwrightRequest, type Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, ORIGIN, signInAs, signUpInBrowser, signUpOverHttp, test, uniqueSuffix, waitForHydration } from "./helpers";

/** An RSVP ("going") posted over HTTP by a fresh verified member: the people filling the event. */
async function goingOverHttp(eventPath: string, prefix: string) {
  const api = await playwrightRequest.newContext({ baseURL: ORIGIN, extraHTTPHeaders: { Origin: ORIGIN } });
  const person = await signUpOverHttp(api, prefix);
  const r = await api.post(`${eventPath}?index`, { form: { intent: "rsvp" } });
  expect(r.status()).toBe(200);
  await api.dispose();
  return person.displayName;
}

/** Presses a control with the keyboard: focus, then Enter. */
async function pressWithKeyboard(page: Page, name: string | RegExp) {
  const button = page.getByRole("button", { name });
  await button.focus();
  await page.keyboard.press("Enter");
}

test.describe("event attendees", () => {
  test("member answers Maybe then Going with the keyboard; organizer removes, promotes, lowers capacity with 'move back' and checks people in; axe clean", async ({ page, browser, consoleErrors }) => {
    test.setTimeout(180_000);
    // The edit form answers 400 with the capacity message on purpose.
    consoleErrors.allowHttpStatus(400);
    const title = `Attendee tools ${uniqueSuffix()}`;

    // The organizer posts an event with two places.
    await signInAs(page, "morgan", "/events/new");
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByLabel("Starts").fill("2031-03-04T18:00");
    await page.getByLabel("Ends").fill("2031-03-04T20:00");
    await page.getByLabel("In person", { exact: true }).check();
    await page.getByLabel(/^Address/).fill("Community hall");
    await page.getByLabel("Capacity (optional)").fill("2");
    await page.getByRole("button", { name: "Post event" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    const eventPath = new URL(page.url()).pathname;

    // A member answers Maybe, then Going, with the keyboard only.
    const memberContext = await browser.newContext();
    const member = await memberContext.newPage();
    consoleErrors.watch(member);
    const ana = await signUpInBrowser(member, "Ana");
    await gotoAndHydrate(member, eventPath);
    const reply = member.getByRole("group", { name: "Your reply" });
    await expect(reply.getByRole("button", { name: "Maybe" })).toHaveAttribute("aria-pressed", "false");
    await pressWithKeyboard(member, "Maybe");
    await expect(member.getByTestId("my-status")).toHaveText("You answered maybe. Maybe doesn't hold a place.");
    await expect(reply.getByRole("button", { name: "Maybe" })).toHaveAttribute("aria-pressed", "true");
    await expect(member.getByTestId("places")).toHaveText("2 of 2 places left · 0 going · 1 maybe");
    await expectAccessible(member);
    await pressWithKeyboard(member, "I'm going");
    await expect(member.getByTestId("my-status")).toHaveText("You are going.");
    await expect(reply.getByRole("button", { name: "Going", exact: true })).toHaveAttribute("aria-pressed", "true");
    await expect(reply.getByRole("button", { name: "Maybe" })).toHaveAttribute("aria-pressed", "false");
    await expectAccessible(member);

    // Two more people fill the event and the waitlist.
    const bo = await goingOverHttp(eventPath, "Bo");
    const cy = await goingOverHttp(eventPath, "Cy");

    // The organizer's attendee page: Going (Ana, Bo) and the waitlist (Cy).
    await gotoAndHydrate(page, `${eventPath}/attendees`);
    await expect(page.getByRole("heading", { level: 1, name: `Attendees: ${title}` })).toBeVisible();
    await expect(page.getByTestId("attendee-counts")).toHaveText("2 going of 2 places · 1 on the waitlist · 0 maybe · 0 not going");
    await expect(page.getByRole("link", { name: "Message attendees" })).toBeVisible();
    await expectAccessible(page);

    // Remove Bo: a confirm step first, then Cy is promoted.
    await pressWithKeyboard(page, `Remove ${bo}`);
    const confirm = page.getByRole("button", { name: `Yes, remove ${bo}` });
    await expect(confirm).toBeFocused();
    await expectAccessible(page);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("main").getByRole("status")).toHaveText("Removed and told. The first person on the waitlist got the place.");
    await expect(page.getByRole("list", { name: "Going" })).toContainText(cy);
    await expect(page.getByRole("list", { name: "Going" })).not.toContainText(bo);

    // Dee joins the waitlist; the event is full, so promoting offers one more place.
    const dee = await goingOverHttp(eventPath, "Dee");
    await gotoAndHydrate(page, `${eventPath}/attendees`);
    await pressWithKeyboard(page, `Promote and raise capacity by 1: ${dee}`);
    await expect(page.getByRole("main").getByRole("status")).toHaveText("Promoted and told. Capacity is now 3.");
    await expect(page.getByTestId("attendee-counts")).toHaveText("3 going of 3 places · 0 on the waitlist · 0 maybe · 0 not going");
    await expectAccessible(page);

    // Lower capacity to 2: refused with a message by default, then "move back" sends Dee (the latest) to the waitlist.
    await gotoAndHydrate(page, `${eventPath}/edit`);
    await page.getByLabel("Capacity (optional)").fill("2");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText(/3 people are already going: capacity can't be lower than that/)).toBeVisible();
    await expect(page.getByLabel("Capacity (optional)")).toHaveValue("2");
    await expectAccessible(page);
    await page.getByLabel("Move the latest RSVPs back to the waitlist (they are told at once)").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title, exact: true })).toBeVisible(); // exact: the edit page's h1 (Edit “title”) would match too, before the save lands
    await gotoAndHydrate(page, `${eventPath}/attendees`);
    await expect(page.getByRole("list", { name: "Waitlist" })).toContainText(dee);
    await expect(page.getByTestId("attendee-counts")).toHaveText("2 going of 2 places · 1 on the waitlist · 0 maybe · 0 not going");

    // Check-in with the keyboard: filter by name, toggle Ana, count follows without a reload.
    await page.getByRole("link", { name: "Check-in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Check-in: ${title}` })).toBeVisible();
    await waitForHydration(page);
    await expect(page.getByText(/Check-in is meant for the day/)).toBeVisible();
    await expect(page.getByTestId("here-count")).toHaveText("0 of 2 here");
    await expectAccessible(page);
    await page.getByLabel("Filter by name").fill(ana.displayName.split(" ")[1]!);
    await expect(page.getByRole("list", { name: "People going" }).getByRole("button")).toHaveCount(1);
    const toggle = page.getByRole("button", { name: `Mark ${ana.displayName} as here` });
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("here-count")).toHaveText("1 of 2 here");
    await expectAccessible(page);
    // Reflows at 320 px: no sideways scrolling, on check-in and the attendee page.
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await gotoAndHydrate(page, `${eventPath}/attendees`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The CSV says who attended.
    const csv = await (await page.request.get(`${eventPath}/attendees.csv`)).text();
    expect(csv).toContain(`going,1,${ana.displayName}`);
    expect(csv).toMatch(new RegExp(`going,1,${ana.displayName},[^,]+,yes`));

    // The member sees they are still going; the removed person is told (checked on Ana's side: no notice for her).
    await member.reload();
    await waitForHydration(member);
    await expect(member.getByTestId("my-status")).toHaveText("You are going.");
    await memberContext.close();
  });
});
