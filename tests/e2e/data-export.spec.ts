import fs from "node:fs";
import { readZip } from "../helpers/zip";
import { demo, expect, expectAccessible, gotoAndHydrate, linkIn, nextMail, signInAs, test } from "./helpers";

/**
 * The data export in Chromium: ask for it on /settings/data, follow the link in the mail that says
 * it is ready, download the ZIP (a real download) and read profile.json from it; the download address
 * is 404 for anyone else.
 */
test("a member exports their data, follows the mail and downloads the ZIP", async ({ page, consoleErrors }) => {
  await signInAs(page, "robin", "/settings/data");
  await expect(page.getByRole("heading", { name: "Your data", level: 2 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Your data" })).toHaveAttribute("aria-current", "page");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Export my data" }).click();
  await expect(page.getByRole("status")).toContainText("We are preparing your data export");
  const mail = await nextMail(demo.robin.email);
  expect(mail.subject).toBe("Your Hearth data export is ready");

  await gotoAndHydrate(page, linkIn(mail, "/settings/data"));
  const link = page.getByRole("link", { name: "Download the ZIP file" });
  await expect(link).toBeVisible();
  await expect(page.getByText(/Ready, .*Available until/)).toBeVisible();
  await expectAccessible(page);

  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^hearth-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const files = await readZip(fs.readFileSync(await download.path()));
  const profile = JSON.parse(files.get("profile.json")!.toString("utf8")) as { pseudonym: string; email: string };
  expect(profile).toMatchObject({ pseudonym: demo.robin.name, email: demo.robin.email });
  expect(files.has("posts.json")).toBe(true);

  // Someone else following the same address finds nothing there.
  const href = (await link.getAttribute("href"))!;
  consoleErrors.allowHttpStatus(404);
  await signInAs(page, "kit");
  const other = await page.request.get(href);
  expect(other.status()).toBe(404);
});
