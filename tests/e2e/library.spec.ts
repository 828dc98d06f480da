import { demo, DEMO_PASSWORD, expect, expectAccessible, gotoAndHydrate, signIn, signInAs, signOut, signUpInBrowser, test, waitForHydration } from "./helpers";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** A PDF (by its first bytes) of the given size. */
function pdfOfSize(bytes: number): Buffer {
  const big = Buffer.alloc(bytes, 0x20);
  PDF.copy(big, 0, 0, 9);
  return big;
}

test.describe("library", () => {
  test("a file over 10 MB is refused in the form with everything typed kept: in the browser before sending, and by the server without JavaScript", async ({ page, browser, consoleErrors }) => {
    const word = `big${Date.now().toString(36)}`;
    await signInAs(page, "morgan");
    const fillForm = async (p: typeof page) => {
      await p.getByLabel("Title").fill(`Scanned leaflet ${word}`);
      await p.getByLabel("Category").selectOption({ label: "Medications" });
      await p.getByLabel("Summary").fill("A leaflet scanned at high resolution.");
    };

    // With JavaScript: refused as soon as it is chosen, on the file field; nothing is sent.
    await gotoAndHydrate(page, "/library/new?kind=document");
    await fillForm(page);
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    const file = page.getByLabel("File");
    await file.setInputFiles({ name: "leaflet.pdf", mimeType: "application/pdf", buffer: pdfOfSize(10 * 1024 * 1024 + 1) });
    await expect(page.getByText("That file is larger than 10 MB. Please choose a smaller file (or split it).")).toBeVisible();
    await expect(file).toHaveAttribute("aria-invalid", "true");
    await expect(file).toHaveAttribute("aria-describedby", /-error/);
    await page.getByRole("button", { name: "Add document" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Upload a document" })).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveValue(`Scanned leaflet ${word}`);
    expect(posts).toEqual([]);
    await expectAccessible(page);

    // Without JavaScript the browser sends it all (here 12 MB, above the old 10.5 MB request cap): the
    // server answers with the same form, the error on the file field and the typed values.
    consoleErrors.allowHttpStatus(413);
    consoleErrors.javaScriptIsOff();
    const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
    const plain = await noScript.newPage();
    consoleErrors.watch(plain);
    await plain.goto("/library/new?kind=document");
    await fillForm(plain);
    await plain.getByLabel("File").setInputFiles({ name: "leaflet.pdf", mimeType: "application/pdf", buffer: pdfOfSize(12 * 1024 * 1024) });
    const [answer] = await Promise.all([
      plain.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/library/new")),
      plain.getByRole("button", { name: "Add document" }).click(),
    ]);
    expect(answer.status()).toBe(413);
    await expect(plain.getByRole("heading", { level: 1, name: "Upload a document" })).toBeVisible();
    await expect(plain.getByText("That file is larger than 10 MB. Please choose a smaller file (or split it).")).toBeVisible();
    await expect(plain.getByLabel("File")).toHaveAttribute("aria-invalid", "true");
    await expect(plain.getByLabel("Title")).toHaveValue(`Scanned leaflet ${word}`);
    await expect(plain.getByLabel("Summary")).toHaveValue("A leaflet scanned at high resolution.");
    await expect(plain.getByLabel("Category")).toHaveValue("medications");
    // (axe needs scripts; the same form with its error was checked above.)
    await noScript.close();
  });

  test("a guide's Markdown headings are real headings under the title, listed on the page and reachable from the list", async ({ page }) => {
    const word = `guide${Date.now().toString(36)}`;
    await signInAs(page, "morgan");
    await gotoAndHydrate(page, "/library/new?kind=guide");
    await page.getByLabel("Title").fill(`Botox appointments ${word}`);
    await page.getByLabel("Category").selectOption({ label: "Medications" });
    const filler = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} of practical advice.`).join("\n\n");
    await page.getByRole("textbox", { name: "Guide", exact: true }).fill(`# Before the appointment\n\n${filler}\n\n## Questions to ask\n\n${filler}\n\n# Side effects\n\n${filler}`);
    await page.getByRole("button", { name: "Add guide" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Botox appointments ${word}` })).toBeVisible();
    await waitForHydration(page);

    // The outline: the title is the only h1; the guide's # and ## sit under it.
    await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);
    const guide = page.getByRole("region", { name: "Guide" });
    await expect(guide.getByRole("heading", { level: 2 })).toHaveText(["Before the appointment", "Side effects"]);
    await expect(guide.getByRole("heading", { level: 3 })).toHaveText(["Questions to ask"]);
    await expect(guide.getByText("Before the appointment", { exact: true }).locator("xpath=self::strong")).toHaveCount(0);

    // "On this page" lists them; following a link (mouse, then keyboard) brings the heading into view.
    const contents = page.getByRole("navigation", { name: "On this page" });
    await expect(contents.getByRole("link")).toHaveText(["Before the appointment", "Questions to ask", "Side effects"]);
    const sideEffects = guide.getByRole("heading", { level: 2, name: "Side effects" });
    await expect(sideEffects).not.toBeInViewport();
    await contents.getByRole("link", { name: "Side effects" }).click();
    await expect(page).toHaveURL(/#section-side-effects$/);
    await expect(sideEffects).toBeInViewport();
    await contents.getByRole("link", { name: "Questions to ask" }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#section-questions-to-ask$/);
    const questions = guide.getByRole("heading", { level: 3, name: "Questions to ask" });
    await expect(questions).toBeInViewport();
    // Focus follows, so the next Tab continues from the section, not from the list.
    await expect(questions).toBeFocused();
    // Back returns to the previous section.
    await page.goBack();
    await expect(page).toHaveURL(/#section-side-effects$/);
    await expectAccessible(page);
  });

  test("organizer adds a link, a guide and a PDF; a reader finds them by category and search, bookmarks one and downloads the PDF; axe clean", async ({ page, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400);
    const tag = Date.now().toString(36);
    const word = `quokka${tag}`;
    // Through the form: this test signs Morgan out, which must not end the session other tests share.
    await signIn(page, demo.morgan.email, DEMO_PASSWORD, demo.morgan.name);

    await page.getByRole("banner").getByRole("link", { name: "Library", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Resource library" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    // A link: a javascript: URL is refused inline, then a real one is accepted.
    await page.getByRole("link", { name: "Add a resource" }).click();
    await page.getByRole("link", { name: "Add a link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Add a link" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    await page.getByLabel("Title").fill(`Stretching videos ${word}`);
    await page.getByLabel("Web address").fill("javascript:alert(1)");
    await page.getByLabel("Category").selectOption({ label: "Physical & occupational therapy" });
    await page.getByLabel("Summary").fill("Gentle neck stretches, filmed by physiotherapists.");
    await page.getByRole("button", { name: "Add link" }).click();
    await expect(page.getByText("Enter a full web address starting with https:// (or http://).")).toBeVisible();
    await page.getByLabel("Web address").fill("https://example.org/stretches");
    await page.getByRole("button", { name: "Add link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Stretching videos ${word}` })).toBeVisible();
    const external = page.getByRole("link", { name: /Visit example\.org/ });
    await expect(external).toHaveAttribute("rel", "noopener noreferrer");
    await expect(page.getByText(/^Reviewed by .+ on /)).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    // A guide with hostile Markdown: shown inert.
    await gotoAndHydrate(page, "/library/new?kind=guide");
    await page.getByLabel("Title").fill(`Sleeping positions ${word}`);
    await page.getByLabel("Category").selectOption({ label: "Living with dystonia" });
    await page.getByRole("textbox", { name: "Guide", exact: true }).fill(`Pillows that **help**.\n\n<script>alert('xss')</script>\n\n[bad](javascript:alert(1))`);
    await page.getByLabel("Tags (optional)").fill("sleep, pillows");
    await page.getByRole("button", { name: "Add guide" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Sleeping positions ${word}` })).toBeVisible();
    await expect(page.getByText("<script>alert('xss')</script>")).toBeVisible();
    await expect(page.locator("main script")).toHaveCount(0);
    await expect(page.locator('main a[href^="javascript:"]')).toHaveCount(0);

    // A PDF: first an HTML file dressed as a PDF (refused by content), then a real one.
    await gotoAndHydrate(page, "/library/new?kind=document");
    await page.getByLabel("Title").fill(`Medication diary ${word}`);
    await page.getByLabel("Category").selectOption({ label: "Medications" });
    await page.getByLabel("Summary").fill("A printable diary to bring to appointments.");
    await page.getByLabel("File").setInputFiles({ name: "diary.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html><script>alert(1)</script></html>") });
    await page.getByRole("button", { name: "Add document" }).click();
    await expect(page.getByText(/Only PDF, PNG or JPEG files can be uploaded/)).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveValue(`Medication diary ${word}`);
    await expectAccessible(page);
    await page.getByLabel("File").setInputFiles({ name: "diary.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Add document" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Medication diary ${word}` })).toBeVisible();
    await expect(page.getByRole("link", { name: "Download diary.pdf" })).toBeVisible();
    await signOut(page);

    // A reader: by category, then by search.
    await signUpInBrowser(page, "Reader");

    await page.getByRole("banner").getByRole("link", { name: "Library", exact: true }).click();
    await page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: "Medications" }).click();
    await expect(page.getByRole("heading", { level: 2, name: /^Medications/ })).toBeVisible();
    await expect(page.getByRole("link", { name: `Medication diary ${word}` })).toBeVisible();
    await expect(page.getByRole("link", { name: `Sleeping positions ${word}` })).toHaveCount(0);
    await waitForHydration(page);
    await expectAccessible(page);

    await page.getByLabel("Search the library").fill(word);
    await page.getByLabel("Category").selectOption("");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(`Results for “${word}”`) })).toBeVisible();
    const results = page.getByRole("main").getByRole("article");
    await expect(results).toHaveCount(3);
    await expect(page.locator("main mark").first()).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);

    // Bookmark the guide.
    await gotoAndHydrate(page, `/library?q=${word}`);
    await page.getByRole("link", { name: `Sleeping positions ${word}` }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Sleeping positions ${word}` })).toBeVisible();
    await waitForHydration(page);
    await page.getByRole("button", { name: "Bookmark" }).click();
    await expect(page.getByRole("status")).toHaveText(/Bookmarked/);
    await expect(page.getByRole("button", { name: "Remove bookmark" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Retire" })).toHaveCount(0);
    await expectAccessible(page);
    await gotoAndHydrate(page, "/library/bookmarks");
    await expect(page.getByRole("heading", { level: 1, name: "My bookmarks" })).toBeVisible();
    await expect(page.getByRole("link", { name: `Sleeping positions ${word}` })).toBeVisible();
    await expectAccessible(page);

    // Download the PDF.
    await gotoAndHydrate(page, `/library?q=${word}`);
    await page.getByRole("link", { name: `Medication diary ${word}` }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Medication diary ${word}` })).toBeVisible();
    await waitForHydration(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download diary.pdf" }).click()]);
    expect(download.suggestedFilename()).toBe("diary.pdf");
    const path = await download.path();
    const fs = await import("node:fs");
    expect(fs.readFileSync(path).equals(PDF)).toBe(true);
    await expectAccessible(page);
  });
});
