import fs from "node:fs";
import { expect, expectAccessible, signInAs, test, uniqueSuffix } from "./helpers";

/**
 * Watched words (issue 15): an organization's owner adds a word, imports a CSV (a refused one
 * first), tries the test box, downloads the CSV, and removes everything it added, so the demo
 * organization's list is as it was. The site admins' page works the same way. Patterns are unique
 * nonsense words, so no other spec's text can ever match them.
 */

test("an organization admin keeps watched words: add, import, try, export, remove", async ({ page, consoleErrors }) => {
  const s = uniqueSuffix().toLowerCase();
  const phrase = `wwphrase${s} cure`;
  const imported = [`wwblock${s}`, `wwflag${s}*`];
  // A refused form answers 400 on purpose.
  consoleErrors.allowHttpStatus(400);

  await signInAs(page, "morgan", "/organizations/dystonia-together");
  await page.getByRole("link", { name: "Watched words" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Watched words: / })).toBeVisible();
  await expectAccessible(page);

  // Add, keyboard only: type, choose "Hold for review" with the arrow keys, Enter.
  const pattern = page.getByLabel("Word or phrase", { exact: true });
  await pattern.fill(`WWPhrase${s}   Curé`);
  await page.getByRole("radio", { name: /^Block/ }).focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: /^Hold for review/ })).toBeChecked();
  await pattern.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: `'${phrase}' added: Hold for review.` })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(phrase) })).toContainText("Hold for review");

  // A CSV with a bad line imports nothing and names the line.
  const fileInput = page.getByLabel("CSV file", { exact: true });
  await fileInput.setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(`pattern,action\n${imported[0]},block\n(a+)+,flag\n`) });
  await page.getByRole("button", { name: "Import CSV" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Nothing was imported: one line needs fixing." })).toBeVisible();
  await expect(page.getByText(`Line 3: Only letters, digits, spaces and * are allowed ("(" isn't).`)).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(imported[0]!) })).toHaveCount(0);
  await expectAccessible(page);

  await fileInput.setInputFiles({ name: "words.csv", mimeType: "text/csv", buffer: Buffer.from(`pattern,action\n${imported[0]},block\n${imported[1]},flag\n${imported[1]},flag\n`) });
  await page.getByRole("button", { name: "Import CSV" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported: 2 added, 0 changed, 0 already on the list, 1 duplicate merged." })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(imported[0]!) })).toContainText("Block");
  await expect(page.getByRole("row", { name: new RegExp(`wwflag${s}`) })).toContainText("Flag");

  // The test box says what a sample would trigger, strongest first.
  await page.getByLabel("Sample text", { exact: true }).fill(`Try my WWPHRASE${s} cure, ${imported[0]!.toUpperCase()}! And wwflag${s}xyz.`);
  await page.getByRole("button", { name: "Try it" }).click();
  const findings = page.getByRole("status").filter({ hasText: "This text would trigger" });
  await expect(findings).toContainText(`would block: '${imported[0]}'`);
  await expect(findings).toContainText(`would hold: '${phrase}'`);
  await expect(findings).toContainText(`would flag: '${imported[1]}'`);
  await expectAccessible(page);

  // Download CSV: a real download with the three words.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("watched-words-dystonia-together.csv");
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv).toMatch(/^\uFEFFpattern,action\r\n/);
  expect(csv).toContain(`\r\n${phrase},hold\r\n`);
  expect(csv).toContain(`\r\n${imported[0]},block\r\n`);
  expect(csv).toContain(`\r\n${imported[1]},flag\r\n`);

  // Remove what this test added: the demo organization's list is as it was.
  for (const p of [phrase, ...imported]) {
    await page.getByRole("button", { name: `Remove '${p}'` }).click();
    await expect(page.getByRole("status").filter({ hasText: `'${p}' removed.` })).toBeVisible();
    await expect(page.getByRole("button", { name: `Remove '${p}'` })).toHaveCount(0);
  }

  // Outside the organization, the page does not exist.
  consoleErrors.allowHttpStatus(404);
  await signInAs(page, "alex");
  const response = await page.goto("/organizations/dystonia-together/watched-words");
  expect(response?.status()).toBe(404);
  expect((await page.request.get("/organizations/dystonia-together/watched-words.csv")).status()).toBe(404);
});

test("a site admin keeps the site-wide list and tries it", async ({ page, consoleErrors }) => {
  const s = uniqueSuffix().toLowerCase();
  const word = `wwsite${s}`;
  consoleErrors.allowHttpStatus(400);
  await signInAs(page, "morgan", "/admin");
  await page.getByRole("link", { name: "Site-wide watched words" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Site-wide watched words" })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Word or phrase", { exact: true }).fill(word);
  await page.getByRole("radio", { name: /^Flag/ }).check();
  await page.getByRole("button", { name: "Add to the list" }).click();
  await expect(page.getByRole("status").filter({ hasText: `'${word}' added: Flag.` })).toBeVisible();

  await page.getByLabel("Sample text", { exact: true }).fill(`nothing here but ${word.toUpperCase()}`);
  await page.getByRole("button", { name: "Try it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This text would trigger" })).toContainText(`would flag: '${word}'`);
  await page.getByLabel("Sample text", { exact: true }).fill("nothing here at all");
  await page.getByRole("button", { name: "Try it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Nothing on the list matches this text." })).toBeVisible();

  // A pattern with regular-expression syntax is refused, in the field.
  await page.getByLabel("Word or phrase", { exact: true }).fill("(a+)+$");
  await page.getByRole("button", { name: "Add to the list" }).click();
  await expect(page.getByLabel("Word or phrase", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(`Only letters, digits, spaces and * are allowed ("(" isn't).`).first()).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: `Remove '${word}'` }).click();
  await expect(page.getByRole("button", { name: `Remove '${word}'` })).toHaveCount(0);

  consoleErrors.allowHttpStatus(404);
  await signInAs(page, "sam");
  expect((await page.goto("/admin/watched-words"))?.status()).toBe(404);
});
