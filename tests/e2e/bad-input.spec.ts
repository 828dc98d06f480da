import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { demo, DEMO_PASSWORD, INVALID_CREDENTIALS, newPerson, ORIGIN } from "./helpers";

/**
 * Every form action, posted straight at the running server with missing, oversize, malformed and
 * hostile input: a clear 4xx with the error in the answer, nothing stored, nothing reflected raw,
 * and the process keeps answering. Plus the CSRF origin check and the security headers.
 */

const SAME_ORIGIN = { Origin: ORIGIN };
const ONE_MB = "x".repeat(1024 * 1024);
const XSS_SCRIPT = "<script>alert(1)</script>";
const XSS_IMG = '"><img src=x onerror=alert(1)>';
const SQLISH = "' OR 1=1 --";
const HOSTILE = [XSS_SCRIPT, SQLISH, XSS_IMG];

const SIGNUP_DATA = "/signup?_data=routes/signup";
const SIGNIN_DATA = "/signin?_data=routes/signin";
const NOT_UNDERSTOOD = "That request was not understood. Please reload the page and try again.";

type Form = Record<string, string>;

function postForm(request: APIRequestContext, path: string, form: Form, headers: Record<string, string> = SAME_ORIGIN) {
  return request.post(path, { form, headers, maxRedirects: 0 });
}

/** React escapes text and attributes; this undoes the few escapes it uses so messages can be found. */
function pageText(html: string): string {
  return html
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The hostile markup must never come back as markup: not in the HTML, not in the inline JSON. */
async function expectNoRawMarkup(response: APIResponse) {
  const body = await response.text();
  expect(body).not.toContain(XSS_SCRIPT);
  expect(body).not.toContain("<img src=x onerror");
  expect(body.toLowerCase()).not.toContain("onerror=alert(1)>");
}

/**
 * A JSON answer may carry what was typed back to the form (so nothing is lost), but only as JSON:
 * served as application/json with nosniff, a browser never renders it as a page.
 */
function expectJsonNotHtml(response: APIResponse) {
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
}

async function expectSignInFails(request: APIRequestContext, email: string, password: string) {
  const response = await postForm(request, SIGNIN_DATA, { email, password });
  expect(response.status(), `sign-in as ${email.slice(0, 60)}`).toBe(400);
  expect(response.headers()["set-cookie"] ?? "").not.toContain("hearth_session=");
  const body = (await response.json()) as { status: string; error: Record<string, string[]> | null };
  expect(body.status).toBe("error");
  return body;
}

/** A separate cookie jar signed in as someone (the API context keeps the session cookie). */
async function signedIn(playwright: { request: { newContext(o: object): Promise<APIRequestContext> } }, email: string, password: string) {
  const context = await playwright.request.newContext({ baseURL: ORIGIN });
  const response = await postForm(context, "/signin", { email, password });
  expect(response.status()).toBe(302);
  expect(response.headers()["location"]).toBe("/groups");
  const root = await context.get("/?_data=root");
  expect(((await root.json()) as { viewer: unknown }).viewer).not.toBeNull();
  return context;
}

/**
 * A fresh account created through the sign-up action, then signed in with its password (sign-up
 * itself signs nobody in), in its own cookie jar. Its address is unconfirmed: it may join groups.
 */
async function newMember(playwright: Parameters<typeof signedIn>[0], prefix: string) {
  const person = newPerson(prefix);
  const anonymous = await playwright.request.newContext({ baseURL: ORIGIN });
  const response = await postForm(anonymous, "/signup", person);
  expect(response.status()).toBe(302);
  await anonymous.dispose();
  return { person, context: await signedIn(playwright, person.email, person.password) };
}

interface GroupData {
  group: {
    memberCount: number;
    membership: { role: string; status: string } | null;
  };
  requests: { userId: string; displayName: string }[] | null;
}

async function groupData(context: APIRequestContext, slug: string): Promise<GroupData> {
  const response = await context.get(`/groups/${slug}?_data=${encodeURIComponent("routes/groups.$slug._index")}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as GroupData;
}

async function directoryEntry(context: APIRequestContext, slug: string) {
  const response = await context.get(`/groups?_data=${encodeURIComponent("routes/groups._index")}`);
  expect(response.status()).toBe(200);
  const { groups } = (await response.json()) as { groups: { slug: string; memberCount: number; membership: { status: string } | null }[] };
  const group = groups.find((g) => g.slug === slug);
  if (!group) throw new Error(`${slug} is not in the directory`);
  return group;
}

test.afterEach(async ({ request }) => {
  // Whatever a test threw at it, the process is still up and its database still answers.
  const health = await request.get("/healthz");
  expect(health.status()).toBe(200);
  expect(await health.text()).toBe("ok");
});

test.describe("sign-up action", () => {
  test("missing fields: 400 with a message for each, as HTML for a plain form post", async ({ request }) => {
    const response = await postForm(request, "/signup", {});
    expect(response.status()).toBe(400);
    expect(response.headers()["content-type"]).toMatch(/^text\/html/);
    const text = pageText(await response.text());
    expect(text).toContain("Enter your email address.");
    expect(text).toContain("Choose a display name.");
    expect(text).toContain("Enter a password.");
    expect(text).toContain('aria-invalid="true"');
    expect(response.headers()["set-cookie"] ?? "").not.toContain("hearth_session=");

    const empty = await postForm(request, "/signup", { email: "", displayName: "", password: "" });
    expect(empty.status()).toBe(400);
    expect(pageText(await empty.text())).toContain("Enter your email address.");
  });

  test("missing fields as a fetcher would post them: 400 JSON naming each field", async ({ request }) => {
    const response = await postForm(request, SIGNUP_DATA, { email: "someone@example.test" });
    expect(response.status()).toBe(400);
    expectJsonNotHtml(response);
    const body = (await response.json()) as { error: Record<string, string[]> };
    expect(body.error.displayName).toEqual(["Choose a display name."]);
    expect(body.error.password).toEqual(["Enter a password."]);
    expect(body.error.email).toBeUndefined();
  });

  test("oversize values (1 MB in each field): 400 with the length message, nothing stored", async ({ request }) => {
    const person = newPerson("Huge");
    const cases: [Form, string, string][] = [
      [{ ...person, email: `${ONE_MB}@example.test` }, "email", "That email address is too long."],
      [{ ...person, displayName: ONE_MB }, "displayName", "Use at most 32 characters."],
      [{ ...person, password: ONE_MB }, "password", "Use at most 256 characters."],
    ];
    for (const [form, field, message] of cases) {
      const response = await postForm(request, "/signup", form);
      expect(response.status(), field).toBe(400);
      expect(pageText(await response.text()), field).toContain(message);
      const data = await postForm(request, SIGNUP_DATA, form);
      expect(data.status(), field).toBe(400);
      const body = (await data.json()) as { error: Record<string, string[]> };
      expect(body.error[field]?.join(" "), field).toContain(message);
      // The password is never echoed back, however long.
      if (field === "password") expect(await data.text()).not.toContain(ONE_MB.slice(0, 1000));
    }
    await expectSignInFails(request, person.email, person.password);
  });

  test("a body over the 2 MB cap is refused with 413 before it is read", async ({ request }) => {
    const response = await request.post("/signup", {
      headers: { ...SAME_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      data: `email=${"y".repeat(3 * 1024 * 1024)}`,
      maxRedirects: 0,
    });
    expect(response.status()).toBe(413);
    expect(await response.text()).toContain("too large");
  });

  test("malformed values: wrong types and repeated fields get 400, nothing stored", async ({ request }) => {
    const person = newPerson("Malformed");
    // A file where text is expected.
    const file = await request.post("/signup", {
      headers: SAME_ORIGIN,
      maxRedirects: 0,
      multipart: {
        email: { name: "email.txt", mimeType: "text/plain", buffer: Buffer.from(person.email) },
        displayName: person.displayName,
        password: person.password,
      },
    });
    expect(file.status()).toBe(400);
    expect(pageText(await file.text())).toContain('aria-invalid="true"');
    // The same field twice.
    const twice = await request.post(SIGNUP_DATA, {
      headers: { ...SAME_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      data: new URLSearchParams([
        ["email", person.email],
        ["email", "other@example.test"],
        ["displayName", person.displayName],
        ["password", person.password],
      ]).toString(),
      maxRedirects: 0,
    });
    expect(twice.status()).toBe(400);
    expect(((await twice.json()) as { error: Record<string, string[]> }).error.email?.length).toBeGreaterThan(0);
    // A display name that is only spaces, and one with two spaces in a row.
    for (const displayName of ["      ", "Two  spaces"]) {
      const response = await postForm(request, SIGNUP_DATA, { ...person, displayName });
      expect(response.status(), JSON.stringify(displayName)).toBe(400);
    }
    await expectSignInFails(request, person.email, person.password);
  });

  for (const hostile of HOSTILE) {
    test(`hostile value ${JSON.stringify(hostile)} in email or display name: 400, escaped, nothing stored`, async ({ request }) => {
      const person = newPerson("Hostile");
      for (const field of ["email", "displayName"] as const) {
        const form = { ...person, [field]: hostile };
        const html = await postForm(request, "/signup", form);
        expect(html.status(), field).toBe(400);
        expect(html.headers()["content-type"]).toMatch(/^text\/html/);
        await expectNoRawMarkup(html);
        const text = pageText(await html.text());
        expect(text).toContain(
          field === "email"
            ? "Enter an email address like name@example.org."
            : "Use letters, numbers, spaces, dots, dashes, underscores or apostrophes, starting with a letter or number.",
        );
        expect(html.headers()["set-cookie"] ?? "").not.toContain("hearth_session=");

        const data = await postForm(request, SIGNUP_DATA, form);
        expect(data.status(), field).toBe(400);
        expectJsonNotHtml(data);
      }
      // Neither attempt created the account.
      await expectSignInFails(request, person.email, person.password);
    });
  }

  test("a hostile-looking password is just a password: stored hashed, works only exactly", async ({ request }) => {
    const person = { ...newPerson("Sqlish"), password: `${SQLISH}${XSS_SCRIPT}` };
    const created = await postForm(request, "/signup", person);
    expect(created.status()).toBe(302);
    expect(created.headers()["location"]).toBe("/check-email?for=signup");
    // Sign-up signs nobody in (the mailed link or the password does).
    const root = await request.get("/?_data=root");
    expect(await root.json()).toMatchObject({ viewer: null });
    // Only the exact password works; the SQL-ish part alone does not.
    await expectSignInFails(request, person.email, SQLISH);
    const again = await postForm(request, "/signin", { email: person.email, password: person.password });
    expect(again.status()).toBe(302);
  });

  test("a registered email answers exactly like a new one (no account revealed); a taken display name is 409; the first account unchanged", async ({ request }) => {
    const fresh = await postForm(request, "/signup", newPerson("Fresh"));
    const byEmail = await postForm(request, "/signup", { ...newPerson(), email: demo.alex.email.toUpperCase(), password: "another long password" });
    expect(byEmail.status()).toBe(302);
    expect([byEmail.status(), byEmail.headers()["location"], byEmail.headers()["set-cookie"]]).toEqual([fresh.status(), fresh.headers()["location"], undefined]);
    expect(fresh.headers()["set-cookie"]).toBeUndefined();
    const byName = await postForm(request, SIGNUP_DATA, { ...newPerson(), displayName: "kit" });
    expect(byName.status()).toBe(409);
    expect(((await byName.json()) as { error: Record<string, string[]> }).error.displayName).toEqual([
      "Someone already uses this display name. Please choose another.",
    ]);
    // Alex's password was not replaced.
    await expectSignInFails(request, demo.alex.email, "another long password");
    const alex = await postForm(request, "/signin", { email: demo.alex.email, password: DEMO_PASSWORD });
    expect(alex.status()).toBe(302);
  });
});

test.describe("sign-in action", () => {
  test("missing and empty fields: 400 with messages, as HTML and as JSON", async ({ request }) => {
    const html = await postForm(request, "/signin", {});
    expect(html.status()).toBe(400);
    const text = pageText(await html.text());
    expect(text).toContain("Enter your email address.");
    expect(text).toContain("Enter your password.");
    const data = await postForm(request, SIGNIN_DATA, { email: "", password: "" });
    expect(data.status()).toBe(400);
    expect(((await data.json()) as { error: Record<string, string[]> }).error).toEqual({
      email: ["Enter your email address."],
      password: ["Enter your password."],
    });
  });

  test("wrong password and unknown email: the same 400 answer, email kept, password not echoed", async ({ request }) => {
    const wrong = await postForm(request, "/signin", { email: demo.robin.email, password: "not robin's password" });
    const unknown = await postForm(request, "/signin", { email: `nobody-${Date.now()}@example.test`, password: "not robin's password" });
    for (const response of [wrong, unknown]) {
      expect(response.status()).toBe(400);
      expect(response.headers()["set-cookie"] ?? "").not.toContain("hearth_session=");
      const text = pageText(await response.text());
      expect(text).toContain(INVALID_CREDENTIALS);
      expect(text).not.toContain("not robin's password");
    }
    expect(pageText(await wrong.text())).toContain(`value="${demo.robin.email}"`);
  });

  test("ten failures for one account answer 429 with Retry-After, even with the right password", async ({ request }) => {
    // A fresh email so the throttle touches no other test; the limiter lives in server.ts while the
    // routes run in the build, so this also proves the error crosses that boundary as a 429.
    const email = `throttled-${Date.now()}@example.test`;
    for (let i = 0; i < 10; i++) await expectSignInFails(request, email, `guess number ${i}`);
    const blocked = await postForm(request, "/signin", { email, password: "guess number 11" });
    expect(blocked.status()).toBe(429);
    expect(Number(blocked.headers()["retry-after"])).toBeGreaterThan(0);
    expect(pageText(await blocked.text())).toContain("Too many failed sign-in attempts");
  });

  test("oversize values: 400, never a session", async ({ request }) => {
    for (const form of [
      { email: `${ONE_MB}@example.test`, password: DEMO_PASSWORD },
      { email: demo.kit.email, password: ONE_MB },
    ]) {
      const response = await postForm(request, "/signin", form);
      expect(response.status()).toBe(400);
      expect(response.headers()["set-cookie"] ?? "").not.toContain("hearth_session=");
    }
    const text = pageText(await (await postForm(request, "/signin", { email: demo.kit.email, password: ONE_MB })).text());
    expect(text).toContain("That password is too long.");
    const root = await request.get("/?_data=root");
    expect((await root.json()).viewer).toBeNull();
  });

  test("hostile values: 400, escaped, no session", async ({ request }) => {
    for (const hostile of HOSTILE) {
      const asEmail = await postForm(request, "/signin", { email: hostile, password: DEMO_PASSWORD });
      expect(asEmail.status()).toBe(400);
      await expectNoRawMarkup(asEmail);
      expect(pageText(await asEmail.text())).toContain("Enter an email address like name@example.org.");
      // As a password for a real account: just a wrong password.
      const body = await expectSignInFails(request, demo.morgan.email, hostile);
      expect(body.error).toEqual({ "": [INVALID_CREDENTIALS] });
    }
    // Quotes are not allowed in addresses; a valid one ending in an SQL comment is just unknown.
    const quoted = await expectSignInFails(request, `x'or'1'='1@example.test`, DEMO_PASSWORD);
    expect(quoted.error).toEqual({ email: ["Enter an email address like name@example.org."] });
    const commented = await expectSignInFails(request, "admin--@example.test", DEMO_PASSWORD);
    expect(commented.error).toEqual({ "": [INVALID_CREDENTIALS] });
    const root = await request.get("/?_data=root");
    expect((await root.json()).viewer).toBeNull();
  });

  test("a 1 MB redirectTo is not echoed into the Location header", async ({ request }) => {
    const response = await postForm(request, "/signin", { email: demo.kit.email, password: DEMO_PASSWORD, redirectTo: `/${ONE_MB}` });
    expect(response.status()).toBeLessThan(500);
    expect((response.headers()["location"] ?? "").length).toBeLessThan(4096);
  });

  test("redirectTo can't send people to another site", async ({ request }) => {
    for (const redirectTo of ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const response = await postForm(request, "/signin", { email: demo.kit.email, password: DEMO_PASSWORD, redirectTo });
      expect(response.status(), redirectTo).toBe(302);
      expect(response.headers()["location"], redirectTo).toBe("/groups");
    }
    const inside = await postForm(request, "/signin", { email: demo.kit.email, password: DEMO_PASSWORD, redirectTo: "/groups/writers-cramp" });
    expect(inside.headers()["location"]).toBe("/groups/writers-cramp");
  });
});

test.describe("sign-out action", () => {
  test("junk in the body is ignored: the session ends and the cookie is cleared", async ({ playwright }) => {
    const context = await signedIn(playwright, demo.robin.email, DEMO_PASSWORD);
    try {
      // (Sign-out never reads its body; a 1 MB one stalls the kept-alive connection: see the report.)
      const response = await postForm(context, "/signout", { intent: XSS_SCRIPT, junk: "j".repeat(4096), [SQLISH]: SQLISH });
      expect(response.status()).toBe(302);
      expect(response.headers()["location"]).toBe("/");
      expect(response.headers()["set-cookie"]).toMatch(/hearth_session=;.*Max-Age=0/);
      const root = await context.get("/?_data=root");
      expect((await root.json()).viewer).toBeNull();
    } finally {
      await context.dispose();
    }
  });

  test("signed out already: a plain redirect home, and GET never signs anyone out", async ({ request, playwright }) => {
    const response = await postForm(request, "/signout", {});
    expect(response.status()).toBe(302);
    expect(response.headers()["location"]).toBe("/");
    const context = await signedIn(playwright, demo.robin.email, DEMO_PASSWORD);
    try {
      const get = await context.get("/signout", { maxRedirects: 0 });
      expect(get.status()).toBe(302);
      expect(await (await context.get("/?_data=root")).json()).toMatchObject({ viewer: { displayName: demo.robin.name } });
    } finally {
      await context.dispose();
    }
  });
});

test.describe("membership action", () => {
  const DATA = `?_data=${encodeURIComponent("routes/groups.$slug.membership")}`;

  test("a visitor is sent to sign in and nothing is stored", async ({ request }) => {
    const before = await directoryEntry(request, "blepharospasm");
    const response = await postForm(request, "/groups/blepharospasm/membership", { intent: "join" });
    expect(response.status()).toBe(302);
    expect(response.headers()["location"]).toBe("/signin?redirectTo=%2Fgroups%2Fblepharospasm%2Fmembership");
    expect((await directoryEntry(request, "blepharospasm")).memberCount).toBe(before.memberCount);
  });

  test("missing, malformed, oversize and hostile intents: 400, nothing stored", async ({ playwright }) => {
    const { context } = await newMember(playwright, "Intent");
    try {
      const before = await directoryEntry(context, "blepharospasm");
      expect(before.membership).toBeNull();
      const bad: [string, Form | URLSearchParams][] = [
        ["empty", {}],
        ["empty intent", { intent: "" }],
        ["unknown intent", { intent: "explode" }],
        ["approve without userId", { intent: "approve" }],
        ["approve with empty userId", { intent: "approve", userId: "" }],
        ["oversize intent", { intent: ONE_MB }],
        ["oversize userId", { intent: "approve", userId: ONE_MB }],
        ["script intent", { intent: XSS_SCRIPT }],
        ["sql-ish intent", { intent: SQLISH }],
        ["img intent", { intent: XSS_IMG }],
        ["two intents", new URLSearchParams([["intent", "join"], ["intent", "leave"]])],
      ];
      for (const [what, form] of bad) {
        for (const suffix of ["", DATA]) {
          const response =
            form instanceof URLSearchParams
              ? await context.post(`/groups/blepharospasm/membership${suffix}`, {
                  headers: { ...SAME_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
                  data: form.toString(),
                  maxRedirects: 0,
                })
              : await postForm(context, `/groups/blepharospasm/membership${suffix}`, form);
          expect(response.status(), `${what} ${suffix}`).toBe(400);
          expectJsonNotHtml(response);
          expect(await response.json(), what).toEqual({ ok: false, message: NOT_UNDERSTOOD });
        }
      }
      const after = await directoryEntry(context, "blepharospasm");
      expect(after.membership).toBeNull();
      expect(after.memberCount).toBe(before.memberCount);
    } finally {
      await context.dispose();
    }
  });

  test("bad group addresses: 400 for a malformed slug, 404 for an unknown one, nothing reflected", async ({ playwright }) => {
    const { context } = await newMember(playwright, "Slug");
    try {
      for (const slug of [XSS_SCRIPT, SQLISH, "UPPER_case", "a".repeat(200)]) {
        const response = await postForm(context, `/groups/${encodeURIComponent(slug)}/membership`, { intent: "join" });
        expect(response.status(), slug).toBe(400);
        expect(await response.json()).toEqual({ ok: false, message: NOT_UNDERSTOOD });
      }
      const unknown = await postForm(context, "/groups/no-such-group/membership", { intent: "join" });
      expect(unknown.status()).toBe(404);
      expect(await unknown.json()).toEqual({ ok: false, message: "That group could not be found." });
    } finally {
      await context.dispose();
    }
  });

  test("joining twice is a 403, leaving a group you're not in a 403, and returnTo stays on this site", async ({ playwright }) => {
    const { context } = await newMember(playwright, "Twice");
    try {
      const joined = await postForm(context, "/groups/writers-cramp/membership", { intent: "join", returnTo: "https://evil.example/" });
      expect(joined.status()).toBe(302);
      expect(joined.headers()["location"]).toBe("/groups/writers-cramp");
      const count = (await directoryEntry(context, "writers-cramp")).memberCount;

      const again = await postForm(context, "/groups/writers-cramp/membership", { intent: "join", returnTo: "//evil.example" });
      // The policy refuses before the insert (409 is only for two joins racing).
      expect(again.status()).toBe(403);
      expect(await again.json()).toEqual({ ok: false, message: "You can't join this group." });
      expect((await directoryEntry(context, "writers-cramp")).memberCount).toBe(count);

      const notIn = await postForm(context, "/groups/blepharospasm/membership", { intent: "leave" });
      expect(notIn.status()).toBe(403);
      expect(await notIn.json()).toEqual({ ok: false, message: "You are not a member of this group." });
    } finally {
      await context.dispose();
    }
  });

  test("only moderators decide requests: 403 on a public group, 404 on a private one, SQL-ish ids match nothing", async ({ playwright }) => {
    const asker = await newMember(playwright, "Asker");
    const alex = await signedIn(playwright, demo.alex.email, DEMO_PASSWORD);
    const sam = await signedIn(playwright, demo.sam.email, DEMO_PASSWORD);
    try {
      const asked = await postForm(asker.context, "/groups/carers-and-family/membership", { intent: "join", returnTo: "/groups" });
      expect(asked.status()).toBe(302);
      const pending = (await groupData(sam, "carers-and-family")).requests?.find((r) => r.displayName === asker.person.displayName);
      if (!pending) throw new Error("the join request is not in Sam's queue");
      const membersBefore = (await groupData(sam, "carers-and-family")).group.memberCount;

      // Alex is not a moderator: a public group says so, a private one doesn't exist for Alex.
      const publicGroup = await postForm(alex, "/groups/cervical-dystonia/membership", { intent: "approve", userId: pending.userId });
      expect(publicGroup.status()).toBe(403);
      expect(await publicGroup.json()).toEqual({ ok: false, message: "Only the group's moderators can review join requests." });
      const privateGroup = await postForm(alex, "/groups/carers-and-family/membership", { intent: "approve", userId: pending.userId });
      expect(privateGroup.status()).toBe(404);
      expect(await privateGroup.json()).toEqual({ ok: false, message: "That group could not be found." });
      // The asker can't approve themselves either.
      const self = await postForm(asker.context, "/groups/carers-and-family/membership", { intent: "approve", userId: pending.userId });
      expect(self.status()).toBe(404);

      // Sam is a moderator, but hostile ids match no request (and certainly not all of them).
      for (const userId of [SQLISH, XSS_SCRIPT, "%", "*"]) {
        const response = await postForm(sam, `/groups/carers-and-family/membership${DATA}`, { intent: "approve", userId });
        expect(response.status(), userId).toBe(404);
        expect(await response.json()).toEqual({ ok: false, message: "That request could not be found." });
      }
      const still = await groupData(sam, "carers-and-family");
      expect(still.group.memberCount).toBe(membersBefore);
      expect(still.requests?.map((r) => r.userId)).toContain(pending.userId);

      // Clean up: Sam declines it, and the asker is still no member.
      const declined = await postForm(sam, "/groups/carers-and-family/membership", { intent: "decline", userId: pending.userId });
      expect(declined.status()).toBe(302);
      expect((await directoryEntry(asker.context, "carers-and-family")).membership).toBeNull();
    } finally {
      await Promise.all([asker.context.dispose(), alex.dispose(), sam.dispose()]);
    }
  });

  test("a body that is not a form (JSON, text, none) gets a 4xx, not a 500", async ({ playwright }) => {
    const { context } = await newMember(playwright, "Json");
    try {
      const targets = ["/signup", "/signin", "/signout", "/groups/blepharospasm/membership"];
      const bodies: [string, Record<string, string>, string][] = [
        ["json", { "Content-Type": "application/json" }, JSON.stringify({ email: demo.kit.email, password: DEMO_PASSWORD, intent: "join" })],
        ["text", { "Content-Type": "text/plain" }, "intent=join"],
        ["no content type", {}, ""],
      ];
      const seen: string[] = [];
      const wanted: string[] = [];
      for (const path of targets) {
        for (const [what, headers, data] of bodies) {
          const response = await context.post(path, { headers: { ...SAME_ORIGIN, ...headers }, data, maxRedirects: 0 });
          const status = response.status();
          seen.push(`${path} ${what}: ${status >= 400 && status < 500 ? "4xx" : status}`);
          // Sign-out ignores its body; everything else must refuse it with a 4xx (400 or 415).
          wanted.push(`${path} ${what}: ${path === "/signout" ? 302 : "4xx"}`);
        }
      }
      expect(seen).toEqual(wanted);
    } finally {
      await context.dispose();
    }
  });
});

test.describe("CSRF origin check", () => {
  for (const [what, headers] of [
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["no Origin", {}],
    ["Origin null", { Origin: "null" }],
    ["a look-alike Origin", { Origin: `${ORIGIN}.evil.example` }],
  ] as [string, Record<string, string>][]) {
    test(`sign-in with ${what} is refused with 403 and no session`, async ({ request }) => {
      const response = await postForm(request, "/signin", { email: demo.kit.email, password: DEMO_PASSWORD }, headers);
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain("did not come from this site");
      expect(response.headers()["set-cookie"]).toBeUndefined();
      expect((await (await request.get("/?_data=root")).json()).viewer).toBeNull();
    });
  }

  test("sign-up, sign-out and membership with a foreign Origin: 403, nothing changed", async ({ playwright, request }) => {
    const person = newPerson("Csrf");
    const signup = await postForm(request, "/signup", person, { Origin: "https://evil.example" });
    expect(signup.status()).toBe(403);
    await expectSignInFails(request, person.email, person.password);

    const robin = await signedIn(playwright, demo.robin.email, DEMO_PASSWORD);
    try {
      const before = await directoryEntry(robin, "blepharospasm");
      const join = await postForm(robin, "/groups/blepharospasm/membership", { intent: "join" }, { Origin: "https://evil.example" });
      expect(join.status()).toBe(403);
      const leave = await postForm(robin, "/groups/carers-and-family/membership", { intent: "leave" }, {});
      expect(leave.status()).toBe(403);
      const signout = await postForm(robin, "/signout", {}, { Origin: "https://evil.example" });
      expect(signout.status()).toBe(403);
      // Still signed in, still in the same groups.
      expect(await (await robin.get("/?_data=root")).json()).toMatchObject({ viewer: { displayName: demo.robin.name } });
      expect(await directoryEntry(robin, "blepharospasm")).toEqual(before);
      expect((await groupData(robin, "carers-and-family")).group.membership).toEqual({ role: "member", status: "active" });
    } finally {
      await robin.dispose();
    }
  });
});

test.describe("security headers", () => {
  test("pages carry a nonce CSP, nosniff and a strict referrer policy; every script has the nonce", async ({ request }) => {
    const first = await request.get("/");
    expect(first.status()).toBe(200);
    const headers = first.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]{16,})'/.exec(csp)?.[1];
    expect(nonce, csp).toBeTruthy();
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["x-powered-by"]).toBeUndefined();
    // Plain HTTP here, so no HSTS (it is sent only over HTTPS).
    expect(headers["strict-transport-security"]).toBeUndefined();

    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    // A new nonce for every response.
    const second = await request.get("/groups");
    const nonce2 = /'nonce-([^']+)'/.exec(second.headers()["content-security-policy"] ?? "")?.[1];
    expect(nonce2).toBeTruthy();
    expect(nonce2).not.toBe(nonce);
  });

  test("the session cookie is HttpOnly and SameSite=Lax, and sign-in starts a new session", async ({ request }) => {
    const first = await postForm(request, "/signin", { email: demo.kit.email, password: DEMO_PASSWORD });
    expect(first.status()).toBe(302);
    const cookie = first.headers()["set-cookie"] ?? "";
    expect(cookie).toMatch(/^hearth_session=[a-z0-9]+;/);
    const attributes = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes.some((a) => /^max-age=\d+$/.test(a))).toBe(true);

    const second = await postForm(request, "/signin", { email: demo.kit.email, password: DEMO_PASSWORD });
    const token1 = /^hearth_session=([a-z0-9]+)/.exec(cookie)?.[1];
    const token2 = /^hearth_session=([a-z0-9]+)/.exec(second.headers()["set-cookie"] ?? "")?.[1];
    expect(token2).toBeTruthy();
    expect(token2).not.toBe(token1);
  });
});
