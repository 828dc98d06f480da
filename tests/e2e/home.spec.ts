import { demo, expect, expectAccessible, gotoAndHydrate, labelFor, signInAs, signUpInBrowser, test } from "./helpers";

test("a new member confirms their address, lands on the welcome page, joins a group and finds it on their home", async ({ page }) => {
  const person = await signUpInBrowser(page, "Welcome");
  await expect(page).toHaveURL(/\/welcome\?confirmed=email$/);
  await expect(page.getByRole("heading", { level: 1, name: `Welcome to Hearth, ${person.displayName}` })).toBeVisible();
  await expect(page.getByText(/peer support/)).toBeVisible();
  await expectAccessible(page);

  const groups = page.getByRole("list", { name: "Groups to join" });
  await groups.getByRole("button", { name: labelFor("Join group", "Blepharospasm") }).click();
  await expect(groups.getByRole("article", { name: "Blepharospasm" }).getByText("You are a member.")).toBeVisible();

  await gotoAndHydrate(page, "/");
  const mine = page.getByRole("region", { name: "My groups" });
  await expect(mine.getByRole("link", { name: "Blepharospasm" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "My next events" })).toBeVisible();
  await expect(page.getByText("You haven't said you are going to any upcoming event.")).toBeVisible();
  await expectAccessible(page);
});

test("a newcomer's empty home offers three groups to join and a way to find more", async ({ page }) => {
  await signUpInBrowser(page, "Empty");
  await gotoAndHydrate(page, "/");
  const mine = page.getByRole("region", { name: "My groups" });
  await expect(mine.getByText("You haven't joined a group yet.")).toBeVisible();
  await expect(mine.getByRole("list", { name: "Suggested groups" }).getByRole("article")).toHaveCount(3);
  await expect(mine.getByRole("link", { name: "Find a group" })).toBeVisible();
  await expectAccessible(page);
});

test("a demo member's home shows their groups (the private one too) and their next events; it reflows at 320 px", async ({ page }) => {
  await signInAs(page, "robin", "/");
  await expect(page.getByRole("heading", { level: 1, name: `Welcome back, ${demo.robin.name}` })).toBeVisible();
  const mine = page.getByRole("region", { name: "My groups" });
  await expect(mine.getByRole("link", { name: "Cervical dystonia" })).toBeVisible();
  await expect(mine.getByRole("link", { name: "Carers & family" })).toBeVisible();
  const next = page.getByRole("region", { name: "My next events" });
  await expect(next.getByRole("link", { name: "Online Q&A: physical therapy for cervical dystonia" })).toBeVisible();
  await expect(next.getByRole("link", { name: "Carers' evening" })).toBeVisible();
  await expect(next.getByText("You are going").first()).toBeVisible();
  await expectAccessible(page);

  await page.setViewportSize({ width: 320, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectAccessible(page);
});

test("the group page shows recent threads, next events, chat rooms, moderators and the group's rules, then its links", async ({ page }) => {
  await signInAs(page, "alex", "/groups/cervical-dystonia");
  await expect(page.getByRole("heading", { level: 2, name: "Recent threads" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Next events" }).getByRole("link", { name: "Online Q&A: physical therapy for cervical dystonia" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Chat rooms" }).getByRole("link").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Moderators" }).getByText(demo.sam.name)).toBeVisible();
  const rules = page.getByRole("region", { name: "Group rules" });
  await expect(rules.getByText(/not medical advice/)).toBeVisible();
  await expect(rules.getByRole("link", { name: "Read the community guidelines" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Everything in this group" }).getByRole("link", { name: /forum/ })).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 320, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the welcome page's join buttons work as plain forms and come back to the welcome page", async ({ page, consoleErrors }) => {
    consoleErrors.javaScriptIsOff();
    // Kit is only in the hand group: the welcome page offers the others.
    await signInAs(page, "kit");
    await page.goto("/welcome");
    const cervical = page.getByRole("list", { name: "Groups to join" }).getByRole("article", { name: "Cervical dystonia" });
    await cervical.getByRole("button", { name: labelFor("Join group", "Cervical dystonia") }).click();
    await expect(page).toHaveURL(/\/welcome$/);
    await expect(cervical.getByText("You are a member.")).toBeVisible();
    await page.goto("/");
    await expect(page.getByRole("region", { name: "My groups" }).getByRole("link", { name: "Cervical dystonia" })).toBeVisible();
  });
});
