import { pdfWithPages } from "../helpers/pdf";
import { expect, expectAccessible, gotoAndHydrate, ORIGIN, signInAs, test, uniqueSuffix, waitForHydration } from "./helpers";

/**
 * PDF text search end to end: the organizer uploads a PDF, its text is read in the background, the
 * page says how many pages were indexed, and a search for a word on page 3 finds the PDF with
 * "Page 3:" and a snippet, linking to the file at #page=3. Axe light and dark on each state.
 */
test("organizer uploads a PDF; searching a word inside it names the page; axe clean", async ({ page }) => {
  const word = `axolotl${uniqueSuffix().replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
  const title = `Injection leaflet ${word.slice(-6)}`;
  await signInAs(page, "morgan");
  let resourcePath: string | null = null;
  try {
    await gotoAndHydrate(page, "/library/new?kind=document");
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Category").selectOption({ label: "Medications" });
    await page.getByLabel("Summary").fill("What to expect at the clinic.");
    const pdf = pdfWithPages(["Before the appointment", "During the injections", `Afterwards some people notice ${word} for a few days`]);
    await page.getByLabel("File").setInputFiles({ name: "leaflet.pdf", mimeType: "application/pdf", buffer: pdf });
    await page.getByRole("button", { name: "Add document" }).click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    resourcePath = new URL(page.url()).pathname;

    // The text is read by a background job: the page says so until it is done (reloaded, no timer).
    await expect(async () => {
      await page.reload();
      await expect(page.getByText("Text indexed: 3 pages.", { exact: false })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await waitForHydration(page);
    await expectAccessible(page);

    // Search from the library with the keyboard.
    await gotoAndHydrate(page, "/library");
    await page.getByLabel("Search the library").fill(word);
    await page.getByLabel("Search the library").press("Enter");
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(`Results for “${word}”`) })).toBeVisible();
    const result = page.getByRole("main").getByRole("article").filter({ has: page.getByRole("link", { name: title }) });
    await expect(result).toHaveCount(1);
    const pageLink = result.getByRole("link", { name: new RegExp(`^Page 3 of ${title}`) });
    await expect(pageLink).toBeVisible();
    await expect(pageLink).toHaveAttribute("href", `${resourcePath}/file#page=3`);
    await expect(result.locator("mark")).toHaveText([word]);
    await expect(result).toContainText("Afterwards some people notice");
    await pageLink.focus();
    await expect(pageLink).toBeFocused();
    await waitForHydration(page);
    await expectAccessible(page);
  } finally {
    // The PDF leaves the library (other specs read its first page).
    if (resourcePath) {
      const retired = await page.request.post(resourcePath, { form: { intent: "retire" }, headers: { Origin: ORIGIN } });
      expect(retired.status()).toBeLessThan(400);
    }
  }
});
