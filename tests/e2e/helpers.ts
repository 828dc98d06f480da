import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, request as playwrightRequest, test as base, type APIRequestContext, type ConsoleMessage, type Cookie, type Page } from "@playwright/test";

/** The origin the e2e server listens on (playwright.config.ts, E2E_PORT). Every POST must name it (CSRF check). */
export const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT || 3199}`;

/** Seeded demo accounts (db/seed.ts). */
export const DEMO_PASSWORD = "hearth-demo-password";
export const demo = {
  morgan: { email: "morgan@demo.hearth.test", name: "Morgan (organizer)" },
  sam: { email: "sam@demo.hearth.test", name: "Sam the moderator" },
  alex: { email: "alex@demo.hearth.test", name: "Alex" },
  robin: { email: "robin@demo.hearth.test", name: "Robin" },
  kit: { email: "kit@demo.hearth.test", name: "Kit" },
} as const;

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The name of a membership button: visible label plus the group's name in a visually hidden span
 * ("Join group: Cervical dystonia"). Chromium puts a space before the hidden span's text, so the
 * computed name is "Join group : Cervical dystonia"; accept either.
 */
export function labelFor(label: string, group: string): RegExp {
  return new RegExp(`^${escapeRegExp(label)}\\s*:\\s*${escapeRegExp(group)}$`);
}

export const INVALID_CREDENTIALS = "That email and password don't match an account.";

let counter = 0;
/** A short suffix unique across runs and within one (display names allow at most 32 characters). */
export function uniqueSuffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}${counter}`;
}

/**
 * A fresh person to sign up with: unique email and display name, a valid password, and the two
 * consents the sign-up form requires (as a form post sends ticked boxes), so `postForm(…, person)` works.
 */
export function newPerson(prefix = "Tester") {
  const suffix = uniqueSuffix();
  return {
    email: `${prefix.toLowerCase()}-${suffix}@example.test`,
    displayName: `${prefix} ${suffix}`,
    password: "a long enough passphrase",
    consentTerms: "on",
    consentHealthData: "on",
  };
}

/**
 * Waits until React has hydrated the page, so that clicks run through Remix (fetchers, client
 * validation) rather than racing it as plain HTML form posts.
 */
export async function waitForHydration(page: Page): Promise<void> {
  // Set by the root layout's mount effect, which runs after every other component's (app/root.tsx);
  // React's fiber keys on the DOM appear earlier, while hydration is still rendering.
  await page.waitForFunction(() => document.documentElement.hasAttribute("data-hydrated"));
}

export async function gotoAndHydrate(page: Page, path: string) {
  const response = await page.goto(path);
  await waitForHydration(page);
  return response;
}

/** Fills the sign-up form for `person` (both consents ticked) and sends it. */
export async function fillSignUp(page: Page, person: ReturnType<typeof newPerson>) {
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Display name").fill(person.displayName);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("checkbox", { name: /agree to the terms/ }).check();
  await page.getByRole("checkbox", { name: /health-related data/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();
}

/**
 * Signs a fresh person up the way a person does: the form, "check your e-mail", the mailed link,
 * "Confirm my e-mail address"; waits until the header names them (hydrated). They are verified.
 */
export async function signUpInBrowser(page: Page, prefix: string) {
  const person = newPerson(prefix);
  await gotoAndHydrate(page, "/signup");
  await fillSignUp(page, person);
  await expect(page.getByRole("heading", { name: "Check your e-mail" })).toBeVisible();
  await gotoAndHydrate(page, linkIn(await nextMail(person.email), "/verify-email"));
  await page.getByRole("button", { name: "Confirm my e-mail address" }).click();
  await expect(page.getByRole("banner").getByText(`Signed in as ${person.displayName}`)).toBeVisible();
  await waitForHydration(page);
  return person;
}

/**
 * The same over HTTP, for API-level specs: the sign-up form's POST, then the mailed link's POST, so
 * `api` (which must send an Origin header) holds a verified member's session cookie.
 */
export async function signUpOverHttp(api: APIRequestContext, prefix: string) {
  const person = newPerson(prefix);
  const signup = await api.post("/signup", { form: person, maxRedirects: 0 });
  expect(signup.status()).toBe(302);
  const token = new URL(linkIn(await nextMail(person.email), "/verify-email"), ORIGIN).searchParams.get("token")!;
  const confirm = await api.post("/verify-email", { form: { token }, maxRedirects: 0 });
  expect(confirm.status()).toBe(302);
  return person;
}

/** Signs in through the sign-in form and waits for the header to name the person. */
export async function signIn(page: Page, email: string, password: string, expectName?: string): Promise<void> {
  await gotoAndHydrate(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const banner = page.getByRole("banner");
  await expect(banner.getByText(expectName ? `Signed in as ${expectName}` : /^Signed in as /)).toBeVisible();
}

export type DemoPerson = keyof typeof demo;

/** One file per demo person with the session made for this run (playwright.config.ts creates the folder). */
function sessionFile(who: DemoPerson): string {
  const dir = process.env.HEARTH_E2E_SESSION_DIR;
  if (!dir) throw new Error("HEARTH_E2E_SESSION_DIR is not set: run the e2e tests through playwright.config.ts");
  return path.join(dir, `${who}.json`);
}

/**
 * The demo person's stored session cookies. The first call in a run signs them in once through the
 * real sign-in action over HTTP and keeps the storage state; every later call reuses it, so specs
 * don't pay the form, the password hash and two page loads again for each sign-in.
 */
async function storedSession(who: DemoPerson): Promise<Cookie[]> {
  const file = sessionFile(who);
  if (!fs.existsSync(file)) {
    const api = await playwrightRequest.newContext({ baseURL: ORIGIN, extraHTTPHeaders: { Origin: ORIGIN } });
    const response = await api.post("/signin", { form: { email: demo[who].email, password: DEMO_PASSWORD }, maxRedirects: 0 });
    expect(response.status(), `signing ${who} in over HTTP`).toBe(302);
    // Write then rename, so a reader never sees half a file.
    await api.storageState({ path: `${file}.tmp` });
    fs.renameSync(`${file}.tmp`, file);
    await api.dispose();
  }
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cookies: Cookie[] }).cookies;
}

function isStoredSession(value: string): boolean {
  const dir = process.env.HEARTH_E2E_SESSION_DIR;
  if (!dir || !fs.existsSync(dir)) return false;
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .some((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { cookies: Cookie[] }).cookies.some((c) => c.value === value));
}

/**
 * Puts the demo person's stored session into the page's browser context (replacing whoever was
 * signed in there). With `landOn`, opens that page and waits until the header names them.
 * The session is shared by every test of the run: a test that signs out, changes the password or
 * gets the person suspended must sign in through the form with `signIn` instead (signOut refuses a
 * stored session).
 */
export async function signInAs(page: Page, who: DemoPerson, landOn?: string): Promise<void> {
  const context = page.context();
  await context.clearCookies();
  await context.addCookies(await storedSession(who));
  if (landOn === undefined) return;
  await gotoAndHydrate(page, landOn);
  await expect(page.getByRole("banner").getByText(`Signed in as ${demo[who].name}`)).toBeVisible();
}

/** Signs out with the header button and waits until the header offers "Sign in" again. */
export async function signOut(page: Page): Promise<void> {
  const session = (await page.context().cookies()).find((c) => c.name.endsWith("hearth_session"));
  if (session && isStoredSession(session.value)) {
    throw new Error("signOut would end a stored session other tests share: sign in through the form (signIn) in a test that signs out");
  }
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByRole("banner").getByText(/Signed in as/)).toHaveCount(0);
}

/** Waits until no CSS transition or animation is running (axe would measure colours mid-fade). */
export async function waitForAnimations(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
}

async function axeViolations(page: Page, scheme: "light" | "dark") {
  await page.emulateMedia({ colorScheme: scheme });
  await waitForAnimations(page);
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => ({
    scheme,
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.map(String).join(" ")),
  }));
}

/**
 * Runs axe on the page as it is now, in the light and the dark colour scheme (the app has both, for
 * light-sensitive eyes), and fails with each violation's id, impact and targets.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = [...(await axeViolations(page, "light")), ...(await axeViolations(page, "dark"))];
  await page.emulateMedia({ colorScheme: "light" });
  await waitForAnimations(page);
  expect(violations, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Collects console errors (CSP violations are reported as console errors), uncaught page errors and
 * failed requests. A test fails at the end if any were seen. The only thing a test may allow is
 * Chromium's "Failed to load resource" line for an HTTP status it provokes on purpose (a 404 page,
 * a 400 form answer): never a CSP report or a script error.
 */
export class ConsoleErrors {
  private readonly seen: string[] = [];
  private readonly allowedStatuses = new Set<number>();
  private scriptsDisabled = false;

  watch(page: Page): void {
    page.on("console", (m: ConsoleMessage) => {
      if (m.type() !== "error") return;
      const text = m.text();
      const status = /^Failed to load resource: the server responded with a status of (\d{3}) /.exec(text);
      if (status && this.allowedStatuses.has(Number(status[1]))) return;
      this.seen.push(`${text} (at ${m.location().url || "?"})`);
    });
    page.on("pageerror", (e) => this.seen.push(`uncaught: ${e.name}: ${e.message}`));
    page.on("requestfailed", (r) => {
      const reason = r.failure()?.errorText ?? "failed";
      // A navigation that replaces an in-flight request aborts it; that's not an error.
      if (reason === "net::ERR_ABORTED") return;
      // With JavaScript switched off, Chromium refuses every script load and reports it as "csp".
      if (this.scriptsDisabled && reason === "csp" && r.resourceType() === "script") return;
      this.seen.push(`request failed: ${r.method()} ${r.url()} (${reason})`);
    });
  }

  /** This test provokes these HTTP statuses on purpose: Chromium's "Failed to load resource" line for them is fine. */
  allowHttpStatus(...statuses: number[]): void {
    for (const s of statuses) this.allowedStatuses.add(s);
  }

  /** For a context with `javaScriptEnabled: false`, whose script loads Chromium blocks by design. */
  javaScriptIsOff(): void {
    this.scriptsDisabled = true;
  }

  get messages(): readonly string[] {
    return this.seen;
  }

  expectNone(): void {
    expect(this.seen, "console errors, CSP violations or page errors").toEqual([]);
  }
}

/** `test` with the console collector watching the default page; add other pages with `consoleErrors.watch(page)`. */
export const test = base.extend<{ consoleErrors: ConsoleErrors }>({
  consoleErrors: [
    async ({ page }, use) => {
      const collector = new ConsoleErrors();
      collector.watch(page);
      await use(collector);
      collector.expectNone();
    },
    { auto: true },
  ],
});

export { expect };

/** A message the app sent during this run, as tests/e2e/mail-server.ts received it over SMTP. */
export interface E2EMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  links: string[];
}

/** Waits for the next message to `to` (the mail server long-polls until it arrives) and returns it. */
export async function nextMail(to: string): Promise<E2EMail> {
  const res = await fetch(`http://127.0.0.1:${process.env.E2E_MAIL_HTTP_PORT}/next?to=${encodeURIComponent(to)}`);
  if (!res.ok) throw new Error(await res.text());
  return (await res.json()) as E2EMail;
}

/** The link in a received message that starts with this path (e.g. "/reset-password"), made relative to baseURL. */
export function linkIn(mail: E2EMail, pathPrefix: string): string {
  const link = mail.links.map((l) => new URL(l)).find((u) => u.pathname.startsWith(pathPrefix));
  if (!link) throw new Error(`no ${pathPrefix} link in "${mail.subject}": ${mail.links.join(", ")}`);
  return link.pathname + link.search + link.hash;
}

/**
 * Opens a thread from the forum list page the browser is on by its title, following "Older threads"
 * until it is listed: the demo threads move down the list as the run's specs start threads of their own.
 */
export async function openThreadFromForum(page: Page, title: string): Promise<void> {
  const link = page.getByRole("main").getByRole("link", { name: title, exact: true });
  for (let pages = 0; pages < 20 && !(await link.isVisible()); pages++) {
    const older = page.getByRole("link", { name: "Older threads →" });
    await expect(older, `"${title}" is not in the forum list`).toBeVisible();
    await older.click();
    await expect(page.getByRole("link", { name: "Back to the newest threads" })).toBeVisible();
  }
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}
