import { expect, expectAccessible, gotoAndHydrate, newPerson, signInAs, signUpInBrowser, test } from "./helpers";

/**
 * Identity (issue 12): the consents on the sign-up form, a look-alike name refused there, the legal
 * pages, editing one's profile (inline errors, nothing typed lost) and a member's profile page.
 */

test("the sign-up form links the legal texts and requires both consents, keeping what was typed", async ({ page, consoleErrors }) => {
  const person = newPerson("Consent");
  await gotoAndHydrate(page, "/signup");
  const form = page.getByRole("main");
  for (const name of ["privacy notice", "terms of use", "community guidelines"]) await expect(form.getByRole("link", { name })).toBeVisible();
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Display name").fill(person.displayName);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();

  const terms = page.getByRole("checkbox", { name: /agree to the terms/ });
  const health = page.getByRole("checkbox", { name: /health-related data/ });
  await expect(terms).toHaveAttribute("aria-invalid", "true");
  await expect(health).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("To create an account, please agree to the terms, the privacy notice and the guidelines.")).toBeVisible();
  await expect(page.getByText("To create an account, please agree to the processing of health-related data.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(person.email);
  await expect(page.getByLabel("Display name")).toHaveValue(person.displayName);
  await expectAccessible(page);

  // Both ticked, but the name is a look-alike of a demo moderator's (Cyrillic "а"): refused inline by the server.
  await terms.check();
  await health.check();
  consoleErrors.allowHttpStatus(409);
  await page.getByLabel("Display name").fill("S\u0430m the moderator");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Someone already uses this display name. Please choose another.")).toBeVisible();
  await expect(page.getByLabel("Display name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email")).toHaveValue(person.email);
  await expect(terms).toBeChecked();
  await expect(health).toBeChecked();
});

test("visitors can read the legal pages, with their version, from the footer", async ({ page }) => {
  await gotoAndHydrate(page, "/");
  await page.getByRole("contentinfo").getByRole("link", { name: "Privacy" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Privacy notice" })).toBeVisible();
  await expect(page.getByText(/Version [0-9a-f]{12}/)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Health-related data" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("contentinfo").getByRole("link", { name: "Community guidelines" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Community guidelines" })).toBeVisible();
});

test("a member edits their profile: inline errors keep what was typed, then it saves and shows on their page", async ({ page }) => {
  const person = await signUpInBrowser(page, "Profile");
  await gotoAndHydrate(page, "/settings/profile");
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
  await expectAccessible(page);

  const bio = page.getByLabel("About you (optional)");
  await bio.fill("x".repeat(501));
  await expect(page.getByText("501 of 500 characters")).toBeVisible();
  await page.getByLabel("Nobody").check();
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Keep your bio to 500 characters or fewer.")).toBeVisible();
  await expect(bio).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Nobody")).toBeChecked();
  await expectAccessible(page);

  const newName = `${person.displayName.slice(0, 24)} Renamed`.slice(0, 32);
  await page.getByLabel("Display name").fill(newName);
  await bio.fill("Carer for my mum.\nI like quiet chats.");
  await page.getByLabel("Members who share a group with me").check();
  await page.getByLabel("Show me in the member lists of my groups").uncheck();
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").getByText("Saved. Your new display name shows everywhere now.")).toBeVisible();
  await expect(page.getByRole("banner").getByText(`Signed in as ${newName}`)).toBeVisible();
  await expect(page.getByLabel("Display name")).toHaveValue(newName);
  await expect(page.getByLabel("Show me in the member lists of my groups")).not.toBeChecked();

  await page.getByRole("link", { name: "See your profile page" }).click();
  await expect(page.getByRole("heading", { level: 1, name: newName })).toBeVisible();
  await expect(page.getByText("I like quiet chats.")).toBeVisible();
  await expect(page.getByText("Members who share a group with you can see it.")).toBeVisible();
  await expectAccessible(page);
});

test("a member opens the profile of someone they share a group with; visitors get a 404", async ({ page, consoleErrors }) => {
  await signInAs(page, "alex", "/members/demo-robin");
  await expect(page.getByRole("heading", { level: 1, name: "Robin" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Groups you share" })).toBeVisible();
  await expect(page.getByRole("main").getByText(/@/)).toHaveCount(0);
  await expectAccessible(page);

  await page.context().clearCookies();
  consoleErrors.allowHttpStatus(404);
  const response = await page.goto("/members/demo-robin");
  expect(response?.status()).toBe(404);
});
