import type { Locator, Page } from "@playwright/test";
import {
  demo,
  DEMO_PASSWORD,
  expect,
  expectAccessible,
  gotoAndHydrate,
  escapeRegExp,
  INVALID_CREDENTIALS,
  labelFor,
  newPerson,
  fillSignUp,
  linkIn,
  nextMail,
  signIn,
  signInAs,
  signUpInBrowser,
  signOut,
  test,
  waitForHydration,
} from "./helpers";

/** The card for one group in the /groups directory (an <article> named by its heading). */
function groupCard(page: Page, name: string): Locator {
  return page.getByRole("list", { name: "All groups" }).getByRole("article", { name, exact: true });
}

/** "12 members" → 12. */
async function memberCount(scope: Locator): Promise<number> {
  const text = await scope.getByText(/^\d+ members?\b/).first().textContent();
  const match = /^(\d+) member/.exec(text ?? "");
  if (!match) throw new Error(`no member count in ${JSON.stringify(text)}`);
  return Number(match[1]);
}

async function expectNotFoundPage(page: Page) {
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that page" })).toBeVisible();
  await expect(page.getByText("It may have moved, or it may be in a private group you are not a member of.")).toBeVisible();
}

test.describe("accounts and groups", () => {
  test("sign up, sign out, sign in, join an open group, ask to join a private one, get approved, see members, leave", async ({
    page,
    browser,
    consoleErrors,
  }) => {
    // A private group answers 404 to outsiders, and a fetcher's revalidation after leaving one does too.
    consoleErrors.allowHttpStatus(404);
    const person = newPerson("Walker");

    // Home page, as a visitor.
    await gotoAndHydrate(page, "/");
    await expect(page.getByRole("heading", { level: 1, name: "A warm place for people living with dystonia" })).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await expectAccessible(page);

    // Sign up through the header link.
    await page.getByRole("banner").getByRole("link", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole("heading", { level: 1, name: "Create an account" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await fillSignUp(page, person);
    // Sign-up signs nobody in: the mailed link confirms the address and signs in.
    await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
    await gotoAndHydrate(page, linkIn(await nextMail(person.email), "/verify-email"));
    await page.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await expect(page).toHaveURL(/\/welcome\?confirmed=email$/);
    await expect(page.getByRole("banner").getByText(`Signed in as ${person.displayName}`)).toBeVisible();

    // Sign out, then back in with the new account.
    await signOut(page);
    await expect(page).toHaveURL(/\/$/);
    await page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await signIn(page, person.email, person.password, person.displayName);
    await expect(page).toHaveURL(/\/groups$/);

    // The directory: join the open group.
    await expect(page.getByRole("heading", { level: 1, name: "Groups" })).toBeVisible();
    await expectAccessible(page);
    const cervical = groupCard(page, "Cervical dystonia");
    const before = await memberCount(cervical);
    await expect(cervical.getByText("You are a member")).toHaveCount(0);
    await cervical.getByRole("button", { name: labelFor("Join group", "Cervical dystonia") }).click();
    await expect(cervical.getByText("You are a member.")).toBeVisible();
    await expect(cervical.getByText(`${before + 1} members`)).toBeVisible();
    await expect(cervical.getByRole("link", { name: labelFor("Leave group", "Cervical dystonia") })).toBeVisible();

    // Its page.
    await cervical.getByRole("link", { name: "Cervical dystonia", exact: true }).click();
    await expect(page).toHaveURL(/\/groups\/cervical-dystonia$/);
    await expect(page.getByRole("heading", { level: 1, name: "Cervical dystonia" })).toBeVisible();
    await expect(page.getByText("You are a member.")).toBeVisible();
    await expect(page.getByText("Public group")).toBeVisible();
    await expect(page.getByText(`${before + 1} members`)).toBeVisible();
    await expectAccessible(page);

    // Ask to join the private group from the directory.
    await page.getByRole("link", { name: "← All groups" }).click();
    await expect(page).toHaveURL(/\/groups$/);
    const carers = groupCard(page, "Carers & family");
    // Outsiders see its name but no link into it, and not how many are inside.
    await expect(carers.getByRole("link", { name: "Carers & family" })).toHaveCount(0);
    await expect(carers.getByText(/\d+ members?/)).toHaveCount(0);
    let carersBefore = 0;
    await carers.getByRole("button", { name: labelFor("Ask to join", "Carers & family") }).click();
    await expect(carers.getByText("Request pending: a moderator will review it.")).toBeVisible();
    await expect(carers.getByRole("button", { name: labelFor("Withdraw request", "Carers & family") })).toBeVisible();
    await expect(carers.getByText(/\d+ members?/)).toHaveCount(0); // pending is not a member: still an outsider
    await expectAccessible(page);

    // While pending, the private group's page does not exist for this person.
    const pending = await page.goto("/groups/carers-and-family");
    expect(pending?.status()).toBe(404);
    await waitForHydration(page);
    await expectNotFoundPage(page);
    await expect(page.getByText("A private space for partners")).toHaveCount(0);
    await expectAccessible(page);
    expect((await page.goto("/groups/carers-and-family/members"))?.status()).toBe(404);
    await expectNotFoundPage(page);
    await expect(page.getByRole("main").getByText(person.displayName, { exact: true })).toHaveCount(0);
    await expect(page.getByRole("main").getByText(demo.robin.name, { exact: true })).toHaveCount(0);

    // Sam, a moderator, approves the request in a second browser.
    const samContext = await browser.newContext();
    try {
      const sam = await samContext.newPage();
      consoleErrors.watch(sam);
      await signInAs(sam, "sam");
      await gotoAndHydrate(sam, "/groups/carers-and-family");
      await expect(sam.getByRole("heading", { level: 1, name: "Carers & family" })).toBeVisible();
      await expect(sam.getByText("You are a member (moderator).")).toBeVisible();
      const requests = sam.getByRole("region", { name: "Requests to join" });
      const request = requests.getByRole("listitem").filter({ hasText: person.displayName });
      await expect(request).toHaveCount(1);
      await expect(request.getByText(person.displayName, { exact: true }).first()).toBeVisible();
      await expectAccessible(sam);
      carersBefore = await memberCount(sam.getByRole("region", { name: "Carers & family" }));
      await request.getByRole("button", { name: new RegExp(`^Approve\\s+${escapeRegExp(person.displayName)}$`) }).click();
      await expect(request).toHaveCount(0);
      await expect(sam.getByText(`${carersBefore + 1} members`)).toBeVisible();
    } finally {
      await samContext.close();
    }

    // Back in the first browser: now a member of the private group.
    const approved = await gotoAndHydrate(page, "/groups/carers-and-family");
    expect(approved?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Carers & family" })).toBeVisible();
    await expect(page.getByText("Private group")).toBeVisible();
    await expect(page.getByText("You are a member.")).toBeVisible();
    // Only moderators see the request queue.
    await expect(page.getByRole("region", { name: "Requests to join" })).toHaveCount(0);
    await expectAccessible(page);

    await page.getByRole("link", { name: "See who is here" }).click();
    await expect(page).toHaveURL(/\/groups\/carers-and-family\/members$/);
    await expect(page.getByRole("heading", { level: 1, name: "Members of Carers & family" })).toBeVisible();
    const members = page.getByRole("main").getByRole("listitem");
    await expect(members.filter({ hasText: person.displayName })).toHaveCount(1);
    await expect(members.filter({ hasText: demo.robin.name })).toHaveCount(1);
    await expect(members.filter({ hasText: demo.sam.name })).toContainText("Moderator");
    await expect(members).toHaveCount(carersBefore + 1);
    await expectAccessible(page);

    // Leave, after confirming: the page is gone again.
    await page.getByRole("link", { name: "← Carers & family" }).click();
    await expect(page).toHaveURL(/\/groups\/carers-and-family$/);
    await page.getByRole("link", { name: labelFor("Leave group", "Carers & family") }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Leave Carers & family?" })).toBeVisible();
    await expect(page.getByText(/no longer see its forum, chat rooms or events/)).toBeVisible();
    await page.getByRole("button", { name: "Yes, leave the group" }).click();
    await expect(page).toHaveURL(/\/groups$/);
    // The group's content goes away at once (today the action sends the browser to /groups).
    await expect(page.getByRole("heading", { level: 1, name: "Carers & family" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: labelFor("Leave group", "Carers & family") })).toHaveCount(0);
    const after = await page.goto("/groups/carers-and-family");
    expect(after?.status()).toBe(404);
    await expectNotFoundPage(page);
    await gotoAndHydrate(page, "/groups");
    await expect(groupCard(page, "Carers & family").getByRole("button", { name: labelFor("Ask to join", "Carers & family") })).toBeVisible();
    await expect(groupCard(page, "Carers & family").getByText(/\d+ members?/)).toHaveCount(0);
  });

  test("joining from the directory announces the result in the card's live region", async ({ page }) => {
    await signUpInBrowser(page, "Announce");
    // Confirming lands on the welcome page; this is about the directory's own cards.
    await gotoAndHydrate(page, "/groups");
    const card = groupCard(page, "Blepharospasm");
    await card.getByRole("button", { name: labelFor("Join group", "Blepharospasm") }).click();
    await expect(card.getByText("You are a member.")).toBeVisible();
    await expect(card.getByRole("status")).toHaveText("Welcome! You joined Blepharospasm.", { timeout: 3_000 });
  });

  test("a wrong password and an unknown email get the same answer, and the email stays filled in", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400); // the action answers a failed sign-in with 400
    await gotoAndHydrate(page, "/signin");
    const email = page.getByLabel("Email");
    const password = page.getByLabel("Password", { exact: true });

    await email.fill(demo.alex.email);
    await password.fill("not-alexs-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert");
    await expect(alert).toHaveText(INVALID_CREDENTIALS);
    await expect(email).toHaveValue(demo.alex.email);
    await expect(page).toHaveURL(/\/signin$/);
    await expect(page.getByRole("banner").getByText(/Signed in as/)).toHaveCount(0);
    await expectAccessible(page);

    const unknown = `nobody-${Date.now()}@example.test`;
    await email.fill(unknown);
    await password.fill("not-alexs-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(email).toHaveValue(unknown);
    await expect(alert).toHaveText(INVALID_CREDENTIALS);
    await expect(page.getByRole("banner").getByText(/Signed in as/)).toHaveCount(0);
  });

  test("sign-up errors appear next to each field and keep what was typed", async ({ page }) => {
    await gotoAndHydrate(page, "/signup");
    const email = page.getByLabel("Email");
    const displayName = page.getByLabel("Display name");
    const password = page.getByLabel("Password", { exact: true });
    await email.fill("not-an-email");
    await displayName.fill("ab");
    await password.fill("12345");
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(displayName).toHaveAttribute("aria-invalid", "true");
    await expect(password).toHaveAttribute("aria-invalid", "true");
    // Each message is tied to its input (aria-describedby), so it is read out with the field.
    await expect(email).toHaveAccessibleDescription(/Enter an email address like name@example\.org\./);
    await expect(displayName).toHaveAccessibleDescription(/Use at least 3 characters\./);
    await expect(password).toHaveAccessibleDescription(/Use at least 8 characters\./);
    await expect(email).toHaveValue("not-an-email");
    await expect(displayName).toHaveValue("ab");
    await expect(password).toHaveValue("12345");
    await expect(page).toHaveURL(/\/signup$/);
    await expectAccessible(page);

    // Fixing one field clears its error and leaves the others as they were.
    await email.fill("fixed-address@example.test");
    await expect(email).not.toHaveAttribute("aria-invalid", "true");
    await expect(email).not.toHaveAccessibleDescription(/Enter an email address like/);
    await expect(displayName).toHaveAttribute("aria-invalid", "true");
    await expect(displayName).toHaveValue("ab");
    await expect(password).toHaveValue("12345");
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("the server's sign-up errors show next to the fields and keep email and display name", async ({ page, consoleErrors }) => {
      consoleErrors.allowHttpStatus(400);
      consoleErrors.javaScriptIsOff();
      const person = newPerson("Nojs");
      await page.goto("/signup");
      await page.getByLabel("Email").fill(person.email);
      await page.getByLabel("Display name").fill(person.displayName);
      await page.getByLabel("Password", { exact: true }).fill("12345");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/signup")),
        page.getByRole("button", { name: "Create account" }).click(),
      ]);
      expect(response.status()).toBe(400);
      const password = page.getByLabel("Password", { exact: true });
      await expect(password).toHaveAttribute("aria-invalid", "true");
      await expect(password).toHaveAccessibleDescription(/Use at least 8 characters\./);
      await expect(password).toHaveValue(""); // never sent back
      await expect(page.getByLabel("Email")).toHaveValue(person.email);
      await expect(page.getByLabel("Display name")).toHaveValue(person.displayName);
      await expect(page.getByLabel("Email")).not.toHaveAttribute("aria-invalid", "true");
      // (axe needs scripts in the page, so this page's checks run in the JavaScript tests above.)
    });
  });

  test("a display name someone already uses is refused with a clear message", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(409);
    const person = newPerson("Dupe");
    await gotoAndHydrate(page, "/signup");
    // Display names are unique regardless of case.
    await fillSignUp(page, { ...person, displayName: demo.robin.name.toUpperCase() });

    const displayName = page.getByLabel("Display name");
    await expect(displayName).toHaveAttribute("aria-invalid", "true");
    await expect(displayName).toHaveAccessibleDescription(/Someone already uses this display name\. Please choose another\./);
    await expect(displayName).toHaveValue(demo.robin.name.toUpperCase());
    await expect(page.getByLabel("Email")).toHaveValue(person.email);
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole("banner").getByText(/Signed in as/)).toHaveCount(0);
    await expectAccessible(page);

    // Nothing was created: that email can't sign in.
    await gotoAndHydrate(page, "/signin");
    consoleErrors.allowHttpStatus(400);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(person.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText(INVALID_CREDENTIALS);
  });

  test("a visitor gets 404 for a private group's member list and page", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(404);
    const members = await page.goto("/groups/carers-and-family/members");
    expect(members?.status()).toBe(404);
    await waitForHydration(page);
    await expectNotFoundPage(page);
    await expect(page.getByText(demo.robin.name, { exact: true })).toHaveCount(0);
    await expect(page.getByText("Carers & family")).toHaveCount(0);
    await expectAccessible(page);

    const group = await page.goto("/groups/carers-and-family");
    expect(group?.status()).toBe(404);
    await expectNotFoundPage(page);
  });

  test("following the skip link never pulls focus back once the user has moved on inside main", async ({ page }) => {
    await gotoAndHydrate(page, "/signin");
    // Follow the skip link and Tab on in the same task, before React's effects for the new #main location run.
    await page.evaluate(() => {
      document.querySelector<HTMLAnchorElement>('a[href="#main"]')!.click();
      document.querySelector<HTMLAnchorElement>('main a[href="/signup"]')!.focus();
    });
    await page.waitForFunction(
      () => (window as unknown as { __remixRouter: { state: { location: { hash: string } } } }).__remixRouter.state.location.hash === "#main",
    );
    // Let the router's subscribers render and their effects run (two frames), then focus must be where the user put it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await expect(page.getByRole("main").getByRole("link", { name: "Create an account" })).toBeFocused();
  });

  test("keyboard only: the skip link comes first, then sign in with Tab, typing and Enter", async ({ page }) => {
    await gotoAndHydrate(page, "/signin");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    // Visible once focused (it is screen-reader-only until then).
    const box = await skip.boundingBox();
    expect(box && box.width > 40 && box.height > 20).toBeTruthy();

    await page.keyboard.press("Enter");
    await expect(page.getByRole("main")).toBeFocused();
    // From the top of main: the "Create an account" link, then the form's fields.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("main").getByRole("link", { name: "Create an account" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Email")).toBeFocused();
    await page.keyboard.type(demo.kit.email);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("checkbox", { name: "Show password" })).toBeFocused();
    await page.keyboard.press("Space"); // reveal what was typed
    await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("type", "text");
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue(DEMO_PASSWORD);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeFocused();
    await page.keyboard.press("Enter");

    await expect(page).toHaveURL(/\/groups$/);
    await expect(page.getByRole("banner").getByText(`Signed in as ${demo.kit.name}`)).toBeVisible();
    await expectAccessible(page);
  });
});
