import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, nextMail, signInAs, signUpInBrowser, test, uniqueSuffix, waitForHydration } from "./helpers";

/** Morgan posts a writers-cramp event of this spec's own (unique title) and returns its address. */
async function postEvent(page: Page, title: string): Promise<string> {
  await gotoAndHydrate(page, "/events/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Group (optional)").selectOption({ label: "Writer's cramp & focal hand dystonia" });
  await page.getByLabel("Time zone").selectOption("Europe/Berlin");
  await page.getByLabel("Starts").fill("2030-09-14T18:00");
  await page.getByLabel("Ends").fill("2030-09-14T20:00");
  await page.getByLabel("In person", { exact: true }).check();
  await page.getByLabel(/^Address/).fill("Room 4, Community Centre");
  await page.getByRole("button", { name: "Post event" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  return new URL(page.url()).pathname;
}

test.describe("event organizers: message attendees, open a discussion", () => {
  test("Morgan messages the people going (in-app and e-mail), opens a forum thread, and the event page links it; axe clean", async ({ page, browser, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400);
    const title = `Hand circle ${uniqueSuffix()}`;
    await signInAs(page, "morgan", "/events");
    const eventPath = await postEvent(page, title);
    try {
      // A new member says they're going.
      const context = await browser.newContext();
      const member = await context.newPage();
      consoleErrors.watch(member);
      const person = await signUpInBrowser(member, "Attendee");
      await gotoAndHydrate(member, eventPath);
      await member.getByRole("button", { name: "I'm going" }).click();
      await expect(member.getByTestId("my-status")).toHaveText("You are going.");

      // Morgan: the organizer panel, then the message page.
      await gotoAndHydrate(page, eventPath);
      const panel = page.getByRole("region", { name: "Talk to attendees" });
      await panel.getByRole("link", { name: "Message attendees" }).click();
      await expect(page.getByRole("heading", { level: 1, name: `Message attendees of “${title}”` })).toBeVisible();
      await waitForHydration(page);
      await expect(page.getByText("No messages sent yet.")).toBeVisible();
      await expect(page.getByText("This message reaches 1 person.")).toBeVisible();
      await expectAccessible(page);

      // Bad input: nobody chosen, no subject, no text: each says so next to its field.
      await page.getByLabel(/^Going/).uncheck();
      await expect(page.getByText("This message reaches 0 people.")).toBeVisible();
      await page.getByRole("button", { name: "Send message" }).click();
      await expect(page.getByText("Choose at least one group of people to write to.")).toBeVisible();
      await expect(page.getByText("Give the message a subject.")).toBeVisible();
      await expect(page.getByText("Write the message.")).toBeVisible();
      await expectAccessible(page);

      // With the keyboard: tick Going, write, send.
      await page.getByLabel(/^Going/).focus();
      await page.keyboard.press("Space");
      await expect(page.getByText("This message reaches 1 person.")).toBeVisible();
      await page.getByLabel("Subject", { exact: true }).fill("Room change");
      await page.getByLabel("Message", { exact: true }).fill("We meet in **Room 7** this time. Lift from the station at 17:30.");
      await page.getByLabel("Message", { exact: true }).press("Tab");
      await page.keyboard.press("Enter");
      await expect(page.getByRole("status").filter({ hasText: "Your message is on its way to 1 person." })).toBeVisible();
      const sent = page.getByRole("region", { name: "Sent messages" });
      await expect(sent.getByText("Room change")).toBeVisible();
      await expect(sent.getByRole("listitem").getByText(/^Sent .+ to 1 person \(going\)$/)).toBeVisible();
      await expectAccessible(page);

      // The member: the mail with the whole message, and the notice in Hearth.
      const mail = await nextMail(person.email);
      expect(mail.subject).toBe(`[${title}] Room change`);
      expect(mail.text).toContain("Lift from the station at 17:30.");
      await gotoAndHydrate(member, "/notifications");
      const notice = member.getByRole("link", { name: `Message about “${title}”: Room change` });
      await expect(notice).toBeVisible();
      await expectAccessible(member);
      await notice.click();
      await expect(member.getByRole("heading", { level: 1, name: title })).toBeVisible();
      // Not a member of the group (its forum is for insiders): no discussion link to a 404.
      await expect(member.getByRole("region", { name: "Discussion" })).toHaveCount(0);

      // Morgan opens a forum thread for it: once.
      await gotoAndHydrate(page, eventPath);
      await page.getByRole("button", { name: "Open a forum thread" }).click();
      await expect(page.getByRole("status").filter({ hasText: "The forum thread is open" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Open a forum thread" })).toHaveCount(0);
      const discussion = page.getByRole("region", { name: "Discussion" });
      const threadLink = discussion.getByRole("link", { name: new RegExp(`^${title} — `) });
      await expect(threadLink).toBeVisible();
      await expectAccessible(page);
      await threadLink.click();
      await expect(page.getByRole("heading", { level: 1, name: new RegExp(`^${title} — `) })).toBeVisible();
      await expect(page.getByRole("link", { name: title, exact: true })).toHaveAttribute("href", new RegExp(`${eventPath}$`));
      await context.close();
    } finally {
      // The spec's own event leaves the upcoming list other specs read.
      await gotoAndHydrate(page, eventPath);
      await page.getByLabel(/Yes, cancel this event/).check();
      await page.getByRole("button", { name: "Cancel event" }).click();
      await expect(page.getByRole("heading", { level: 1, name: `Cancelled: ${title}` })).toBeVisible();
    }
  });
});
