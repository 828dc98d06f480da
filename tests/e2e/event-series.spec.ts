import { expect, expectAccessible, gotoAndHydrate, signInAs, signUpInBrowser, test, uniqueSuffix, waitForHydration } from "./helpers";

/**
 * Recurring series (decision 0021): an organizer posts a fortnightly series with the keyboard, sees
 * its occurrences, moves "this and following" to another time (a split), and a member answers
 * "Going to all upcoming". Its own uniquely titled events; demo data is not changed.
 */
test.describe("recurring events", () => {
  test("organizer creates a fortnightly series, edits this and following; a member goes to all; axe clean", async ({ page, browser, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400);
    await signInAs(page, "morgan", "/events/new");
    await expect(page.getByRole("heading", { level: 1, name: "Post an event" })).toBeVisible();
    const title = `Fortnightly circle ${uniqueSuffix()}`;
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByLabel("Starts").fill("2030-03-05T18:00");
    await page.getByLabel("Ends").fill("2030-03-05T20:00");
    await page.getByLabel("Online", { exact: true }).check();
    await page.getByLabel("Online link (online and hybrid)").fill("https://meet.example.org/circle");
    await page.getByLabel("Capacity (optional)").fill("2");

    // The repeat choices by keyboard: arrows move through the radio group.
    const repeats = page.getByRole("group", { name: "Repeats" });
    await expect(repeats.getByLabel("Monthly on the 1st Tuesday")).toBeVisible();
    await repeats.getByLabel("Does not repeat").focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(repeats.getByLabel("Every 2 weeks")).toBeChecked();
    await expect(repeats.getByLabel("After a number of times")).toBeChecked();
    // Bad input first: one time is not a series; the error sits by the field and the title is kept.
    await page.getByLabel("Number of times", { exact: true }).fill("1");
    await page.getByLabel("Number of times", { exact: true }).press("Enter");
    await expect(page.getByText("A series has at least 2 events.")).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveValue(title);
    await expectAccessible(page);
    await page.getByLabel("Number of times", { exact: true }).fill("6");
    await page.getByLabel("Number of times", { exact: true }).press("Enter");

    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    const firstUrl = page.url();
    const series = page.getByRole("region", { name: "Part of a series" });
    await expect(series.getByTestId("series-rule")).toHaveText("Repeats every 2 weeks on Tuesday, 6 times");
    await expect(series.getByTestId("series-occurrences").getByRole("listitem")).toHaveCount(6);
    await waitForHydration(page);
    await expectAccessible(page);

    // The 4th occurrence (16 April, after the clocks changed: still 18:00 Berlin time).
    const fourth = series.getByRole("link", { name: /Tue 16 Apr 2030, 18:00–20:00 CEST/ });
    await fourth.click();
    await expect(page).not.toHaveURL(firstUrl);
    await expect(page.getByRole("region", { name: "Part of a series" }).getByText(/Tue 16 Apr 2030, 18:00–20:00 CEST \(this event\)/)).toBeVisible();
    const fourthUrl = page.url();
    await gotoAndHydrate(page, `${new URL(fourthUrl).pathname}/edit`);
    const scope = page.getByRole("group", { name: "Change which events?" });
    await expect(scope.getByLabel("This event", { exact: true })).toBeChecked();
    await scope.getByLabel("This event", { exact: true }).focus();
    await page.keyboard.press("ArrowDown");
    await expect(scope.getByLabel("This and following events")).toBeChecked();
    await page.getByLabel("Starts").fill("2030-04-16T19:00");
    await page.getByLabel("Ends").fill("2030-04-16T21:00");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Save changes" }).press("Enter");

    await expect(page).toHaveURL(fourthUrl);
    const split = page.getByRole("region", { name: "Part of a series" });
    await expect(split.getByTestId("series-rule")).toHaveText("Repeats every 2 weeks on Tuesday, 3 times");
    await expect(split.getByTestId("series-occurrences").getByRole("listitem")).toHaveCount(3);
    await expect(split.getByText(/Tue 30 Apr 2030, 19:00–21:00 CEST/)).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    // The earlier occurrences kept their time and now end before the split.
    await gotoAndHydrate(page, new URL(firstUrl).pathname);
    await expect(page.getByRole("region", { name: "Part of a series" }).getByTestId("series-rule")).toHaveText(/^Repeats every 2 weeks on Tuesday, until 2 April 2030$/);

    // A member answers the whole (first) series with one button, by keyboard.
    const context = await browser.newContext();
    const memberPage = await context.newPage();
    consoleErrors.watch(memberPage);
    try {
      await signUpInBrowser(memberPage, "Series");
      await gotoAndHydrate(memberPage, new URL(firstUrl).pathname);
      const button = memberPage.getByRole("button", { name: "Going to all upcoming" });
      const box = (await button.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      await button.focus();
      await memberPage.keyboard.press("Enter");
      await expect(memberPage.getByRole("region", { name: "Places" }).getByRole("status")).toHaveText("You are going to 3 upcoming events of the series.");
      await expect(memberPage.getByTestId("my-status")).toHaveText("You are going.");
      await expect(memberPage.getByRole("region", { name: "Part of a series" }).getByText("· Going")).toHaveCount(3);
      await expectAccessible(memberPage);
    } finally {
      await context.close();
    }
  });
});
