import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, labelFor, signIn, signUpInBrowser, test, uniqueSuffix, waitForHydration } from "./helpers";

/**
 * Settings in Chromium, keyboard only: the settings nav in order, accessibility preferences that
 * follow the account to a second browser, ending another session, and axe on every settings page.
 * A fresh account each time: the demo people's preferences are shared by every spec.
 */

const NAV = ["Profile", "E-mail", "Notifications", "Password", "Sessions", "Passkeys", "Accessibility", "Direct messages", "Blocked members", "Your data", "Delete account"];
const PATHS = ["profile", "email", "notifications", "password", "sessions", "passkeys", "accessibility", "messages", "blocked", "data", "delete"];

const nav = (page: Page) => page.getByRole("navigation", { name: "Settings" });

test("the settings nav: reached from the header, walked with Tab, followed with Enter, reflows at 320 px", async ({ page }) => {
  await signUpInBrowser(page, "Navwalk");
  // "Signed in as …" is the way to settings.
  const header = page.getByRole("banner").getByRole("link", { name: /^Signed in as / });
  await header.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(nav(page).getByRole("link")).toHaveText(NAV);
  await expect(nav(page).getByRole("link", { name: "Profile" })).toHaveAttribute("aria-current", "page");

  // Tab walks the links in order; Enter on each opens its page and marks it current.
  await nav(page).getByRole("link", { name: "Profile" }).focus();
  for (let i = 1; i < NAV.length; i++) {
    await page.keyboard.press("Tab");
    await expect(nav(page).getByRole("link", { name: NAV[i], exact: true })).toBeFocused();
  }
  for (const [i, name] of NAV.entries()) {
    const link = nav(page).getByRole("link", { name, exact: true });
    await link.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/settings/${PATHS[i]}$`));
    await expect(nav(page).getByRole("link", { name, exact: true })).toHaveAttribute("aria-current", "page");
    const box = await nav(page).getByRole("link", { name, exact: true }).boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
  }

  await page.setViewportSize({ width: 320, height: 800 });
  await gotoAndHydrate(page, "/settings/sessions");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});

test("high contrast and 150 % text follow the account after reload and to a second browser; another session ended", async ({ page, browser }) => {
  const person = await signUpInBrowser(page, "Prefs");
  await gotoAndHydrate(page, "/settings/accessibility");
  await expectAccessible(page);

  // Keyboard only: focus a choice, Space selects it; Enter on the button saves.
  await page.getByRole("radio", { name: /High contrast/ }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("radio", { name: /Largest \(150 %\)/ }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("radio", { name: /Ctrl\+Enter sends/ }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Save accessibility settings" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Saved");

  const html = page.locator("html");
  const applied = async (p: Page) => {
    await expect(p.locator("html")).toHaveAttribute("data-theme", "contrast");
    await expect(p.locator("html")).toHaveAttribute("data-text-size", "150");
    // 18 px base × 1.5, black on white, links underlined.
    expect(await p.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe("27px");
    expect(await p.evaluate(() => getComputedStyle(document.body).color)).toBe("rgb(0, 0, 0)");
    expect(await p.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
  };
  await expect(html).toHaveAttribute("data-theme", "contrast");
  await page.reload();
  await waitForHydration(page);
  await applied(page);
  await expect(page.getByRole("radio", { name: /High contrast/ })).toBeChecked();
  // The system's dark scheme does not override the member's choice.
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
  await page.emulateMedia({ colorScheme: "light" });
  await expectAccessible(page);

  // A second browser (another device) for the same account: the same settings, server-rendered.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, person.email, person.password, person.displayName);
  await applied(second);
  await gotoAndHydrate(second, "/groups");
  await applied(second);

  // Sessions: this device and the other one; end the other from here, keyboard only.
  await gotoAndHydrate(page, "/settings/sessions");
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(2);
  await expect(sessions.first()).toContainText("this device");
  await expect(sessions.nth(1)).toContainText("Last used: active now");
  await expectAccessible(page);
  await page.getByRole("button", { name: /^End session/ }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("That session has ended");
  await expect(sessions).toHaveCount(1);
  await expect(page.getByText("This is the only device signed in to your account.")).toBeVisible();

  // The other browser is signed out on its next page.
  await second.reload();
  await expect(second.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await expect(second.locator("html")).toHaveAttribute("data-theme", "system");
  await other.close();
});

test("every settings page is axe clean in light and dark, and in each chosen theme", async ({ page }) => {
  await signUpInBrowser(page, "Axe");
  for (const p of PATHS) {
    await gotoAndHydrate(page, `/settings/${p}`);
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await expectAccessible(page);
  }
  // A chosen theme wins over the emulated system scheme, so check each one on its own.
  for (const [theme, value] of [[/^Light$/, "light"], [/^Dark$/, "dark"], [/High contrast/, "contrast"]] as const) {
    await gotoAndHydrate(page, "/settings/accessibility");
    await page.getByRole("radio", { name: theme }).check();
    await page.getByRole("button", { name: "Save accessibility settings" }).click();
    await expect(page.getByRole("status")).toContainText("Saved");
    await expect(page.locator("html")).toHaveAttribute("data-theme", value);
    // Checked on fresh loads: right after saving, the buttons' colour transitions may still be starting.
    for (const p of ["accessibility", "sessions"]) {
      await gotoAndHydrate(page, `/settings/${p}`);
      await expectAccessible(page);
    }
  }
  await expect(page.locator("html")).toHaveAttribute("data-theme", "contrast");
});

test('"Ctrl+Enter sends": in chat, Enter starts a new line and Ctrl+Enter sends, as the hint says', async ({ page }) => {
  const person = await signUpInBrowser(page, "CtrlEnter");
  await gotoAndHydrate(page, "/groups/cervical-dystonia");
  await page.getByRole("button", { name: labelFor("Join group", "Cervical dystonia") }).click();
  await expect(page.getByText("You are a member.")).toBeVisible();

  const room = "/groups/cervical-dystonia/chat/demo-room-cervical-general";
  await gotoAndHydrate(page, room);
  await expect(page.getByTestId("presence").getByText(`${person.displayName} (you)`)).toBeVisible();
  await expect(page.getByText("Enter sends. Shift+Enter starts a new line.")).toBeVisible();

  await gotoAndHydrate(page, "/settings/accessibility");
  await page.getByRole("radio", { name: /Ctrl\+Enter sends/ }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Save accessibility settings" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Saved");

  await gotoAndHydrate(page, room);
  await expect(page.getByTestId("presence").getByText(`${person.displayName} (you)`)).toBeVisible();
  const box = page.getByLabel("Message", { exact: true });
  await expect(box).toHaveAccessibleDescription(/Ctrl\+Enter sends\. Enter starts a new line\./);
  const first = `First line ${uniqueSuffix()}`;
  await box.focus();
  await page.keyboard.type(first);
  await page.keyboard.press("Enter");
  await page.keyboard.type("second line");
  // Enter made a new line and sent nothing.
  await expect(box).toHaveValue(`${first}\nsecond line`);
  await page.keyboard.press("Control+Enter");
  await expect(box).toHaveValue("");
  await expect(page.getByRole("region", { name: "Message history" }).getByTestId("chat-message").filter({ hasText: first })).toContainText("second line");
});
