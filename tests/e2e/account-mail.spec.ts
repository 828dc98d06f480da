import type { Page } from "@playwright/test";
import { expect, expectAccessible, fillSignUp, gotoAndHydrate, linkIn, newPerson, nextMail, signUpInBrowser, test, waitForHydration } from "./helpers";

/**
 * The account mail flows in Chromium, following the links in messages the app really sent over SMTP
 * (tests/e2e/mail-server.ts): sign-up → confirm → post; forgot password → reset; magic link; the
 * unconfirmed banner. Every new page is checked with axe in light and dark.
 */

const banner = (page: Page) => page.getByRole("banner");

test.describe("account mail", () => {
  test("sign up, confirm from the mail, then post a thread", async ({ page }) => {
    const person = newPerson("Confirmer");
    await gotoAndHydrate(page, "/signup");
    await fillSignUp(page, person);
    await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
    // Nobody is signed in until the link is used.
    await expect(banner(page).getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    const mail = await nextMail(person.email);
    expect(mail.subject).toBe("Confirm your e-mail address for Hearth");
    await gotoAndHydrate(page, linkIn(mail, "/verify-email"));
    await expect(page.getByRole("heading", { level: 1, name: "Confirm your e-mail address" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await expect(page).toHaveURL(/\/welcome\?confirmed=email$/);
    await expect(page.getByRole("status").filter({ hasText: "your e-mail address is confirmed" })).toBeVisible();
    await expect(banner(page).getByText(`Signed in as ${person.displayName}`)).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    // Confirmed: joining and posting work.
    await gotoAndHydrate(page, "/groups/cervical-dystonia");
    await page.getByRole("button", { name: /^Join group/ }).click();
    await expect(page.getByText("You are a member.")).toBeVisible();
    await gotoAndHydrate(page, "/groups/cervical-dystonia/forum/new");
    const title = `First steps ${person.displayName}`;
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Your post").fill("Hello everyone, I have just joined.");
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  });

  test("an unconfirmed member sees the banner and can ask for the link again; a used link says so", async ({ page, consoleErrors }) => {
    const person = newPerson("Waiting");
    await gotoAndHydrate(page, "/signup");
    await fillSignUp(page, person);
    await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
    const first = linkIn(await nextMail(person.email), "/verify-email");

    // Signing in with the password works; what waits for the address is explained at the top.
    await gotoAndHydrate(page, "/signin");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(person.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(banner(page).getByText(`Signed in as ${person.displayName}`)).toBeVisible();
    await expect(page.getByText("Please confirm your e-mail address.")).toBeVisible();
    await waitForHydration(page);
    await page.getByRole("button", { name: "Send the link again" }).click();
    await expect(page.getByRole("status").filter({ hasText: "We have sent you a new link" })).toBeVisible();
    await expectAccessible(page);

    // The first link no longer works (only the newest does): a clear page with the way to a new one.
    consoleErrors.allowHttpStatus(400);
    await page.goto(first);
    await expect(page.getByRole("heading", { level: 1, name: "This link doesn't work any more" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Send me a new link" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    await gotoAndHydrate(page, linkIn(await nextMail(person.email), "/verify-email"));
    await page.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await expect(page.getByRole("status").filter({ hasText: "your e-mail address is confirmed" })).toBeVisible();
    await expect(page.getByText("Please confirm your e-mail address.")).toHaveCount(0);
  });

  test("forgot password: the mailed link sets a new password and signs in", async ({ page }) => {
    const person = await signUpInBrowser(page, "Forgetter");
    await page.context().clearCookies();

    await gotoAndHydrate(page, "/signin");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Forgot your password?" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    // An empty submit is an inline error; nothing is sent.
    await page.getByRole("button", { name: "E-mail me a reset link" }).click();
    await expect(page.getByText("Enter your email address.")).toBeVisible();
    await page.getByLabel("Email").fill(person.email);
    await page.getByRole("button", { name: "E-mail me a reset link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();

    const mail = await nextMail(person.email);
    expect(mail.subject).toBe("Choose a new password for Hearth");
    await gotoAndHydrate(page, linkIn(mail, "/reset-password"));
    await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Save my new password" }).click();
    await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
    await page.getByRole("button", { name: "Save my new password" }).click();
    await expect(banner(page).getByText(`Signed in as ${person.displayName}`)).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Your new password is saved" })).toBeVisible();
  });

  test("magic link: e-mail me a sign-in link, then the big Sign in button", async ({ page }) => {
    const person = await signUpInBrowser(page, "Linker");
    await page.context().clearCookies();

    await gotoAndHydrate(page, "/signin");
    await page.getByRole("link", { name: "E-mail me a sign-in link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "E-mail me a sign-in link" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await page.getByLabel("Email").fill(person.email);
    await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();

    const mail = await nextMail(person.email);
    expect(mail.subject).toBe("Your sign-in link for Hearth");
    await gotoAndHydrate(page, linkIn(mail, "/magic-link"));
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to Hearth" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("main").getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(banner(page).getByText(`Signed in as ${person.displayName}`)).toBeVisible();
    await expect(page).toHaveURL(/\/groups$/);
  });
});
