import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, ORIGIN, signUpInBrowser, test, waitForHydration } from "./helpers";

/**
 * Passkeys in Chromium with a CDP virtual authenticator (resident keys, user verification), keyboard
 * only: add one in settings, rename it, sign out, sign in with it (no typing), confirm a password
 * change with it, remove it; a captured sign-in answer replayed with fetch is refused.
 *
 * WebAuthn refuses IP addresses as relying-party ids, so the ceremonies run on `localhost` (the same
 * server: its own host is always an allowed origin).
 */
const HOST = ORIGIN.replace("127.0.0.1", "localhost");

async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/** Activates a control the way a keyboard user does: focus it, press Enter. */
async function press(page: Page, name: string | RegExp, role: "button" | "link" = "button") {
  const control = page.getByRole(role, { name });
  await control.focus();
  await expect(control).toBeFocused();
  await page.keyboard.press("Enter");
}

test("passkeys: add, rename, sign in without typing, confirm a password change, remove; replays refused", async ({ page, consoleErrors }) => {
  const person = await signUpInBrowser(page, "Passkey");
  const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

  // Sign in on the WebAuthn-capable host with the password first (a session there).
  await gotoAndHydrate(page, `${HOST}/signin`);
  await page.getByLabel("Email").focus();
  await page.keyboard.type(person.email);
  await page.getByLabel("Password", { exact: true }).focus();
  await page.keyboard.type(person.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("banner").getByText(`Signed in as ${person.displayName}`)).toBeVisible();

  // Add: the name comes prefilled with this device's label; the person names it.
  await gotoAndHydrate(page, `${HOST}/settings/passkeys`);
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
  const name = page.getByLabel("Name", { exact: true });
  await expect(name).not.toHaveValue("");
  await expectAccessible(page);
  await name.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Test key");
  await press(page, "Add a passkey");
  await expect(page.getByRole("status")).toContainText('Passkey "Test key" added');
  await expect(page.getByRole("heading", { name: "Test key", level: 4 })).toBeVisible();
  await expect(page.getByText(/Added .* · not used yet/)).toBeVisible();
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]!.isResidentCredential).toBe(true);

  // Rename, with an inline error first for an empty name.
  const rename = page.getByLabel("New name for “Test key”");
  await rename.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await press(page, "Rename");
  await expect(page.getByText("Give this passkey a name.")).toBeVisible();
  await rename.focus();
  await page.keyboard.type("Laptop key");
  await press(page, "Rename");
  await expect(page.getByRole("status")).toContainText('Passkey renamed to "Laptop key"');
  await expect(page.getByRole("heading", { name: "Laptop key", level: 4 })).toBeVisible();
  await expectAccessible(page);

  // Sign out, then in with the passkey: one button, nothing typed. The answer is captured for a replay.
  await press(page, "Sign out");
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await gotoAndHydrate(page, `${HOST}/signin?redirectTo=/settings/passkeys`);
  await expectAccessible(page);
  const sent = page.waitForRequest((r) => new URL(r.url()).pathname === "/passkeys/signin" && r.method() === "POST");
  // The passkey button is the first thing after "Create an account" in the Tab order.
  await page.getByRole("link", { name: "Create an account" }).focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toBeFocused();
  await page.keyboard.press("Enter");
  const captured = (await sent).postData() ?? "";
  await expect(page.getByRole("banner").getByText(`Signed in as ${person.displayName}`)).toBeVisible();
  await expect(page).toHaveURL(`${HOST}/settings/passkeys`);
  await expect(page.getByText(/Added .* · last used /)).toBeVisible();

  // The same answer again (a replay, from this page with its own Origin) is refused: its challenge is gone.
  consoleErrors.allowHttpStatus(400);
  const replay = await page.evaluate(async (body) => {
    const r = await fetch("/passkeys/signin", { method: "POST", body: new URLSearchParams(body) });
    return { status: r.status, body: (await r.json()) as { message: string }, cookie: r.headers.get("set-cookie") };
  }, captured);
  expect(replay.status).toBe(400);
  expect(replay.body.message).toMatch(/already used or has expired/);

  // Re-authenticate with the passkey for a password change: no current password typed.
  await gotoAndHydrate(page, `${HOST}/settings/password`);
  await page.getByLabel("New password", { exact: true }).focus();
  await page.keyboard.type("a newer long passphrase");
  await press(page, "Confirm with a passkey instead");
  await expect(page.getByRole("status")).toContainText("Your password is changed.");
  await expectAccessible(page);

  // Remove it: the password remains a way in.
  await gotoAndHydrate(page, `${HOST}/settings/passkeys`);
  await press(page, /^Remove\s*“Laptop key”$/);
  await expect(page.getByRole("status")).toContainText('Passkey "Laptop key" removed');
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
  await waitForHydration(page);
  await expectAccessible(page);

  // A removed passkey no longer signs in: the device still offers it, the server refuses, clearly.
  await press(page, "Sign out");
  // Wait for the sign-out to land before leaving the page (a navigation now would race its POST).
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await gotoAndHydrate(page, `${HOST}/signin`);
  await press(page, "Sign in with a passkey");
  await expect(page.getByRole("alert")).toContainText("couldn't sign you in");
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page);
});
