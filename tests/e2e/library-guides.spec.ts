import zlib from "node:zlib";
import type { Page } from "@playwright/test";
import { expect, expectAccessible, gotoAndHydrate, signInAs, test, uniqueSuffix, waitForHydration } from "./helpers";

/** A real PNG, one grey RGB image of width × height (the browser decodes it). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x99)]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}
/** Wider than any screen: it must shrink to the column (320 px reflow). */
const PNG = png(1200, 300);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>');

/** Nothing is wider than a 320 px screen (WCAG reflow). */
async function expectReflowAt320(page: Page) {
  await page.setViewportSize({ width: 320, height: 800 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 720 });
}

test.describe("library guides: contents, images and tags", () => {
  test("organizer writes a long guide with headings and adds an image by keyboard; a reader gets the contents, jumps by keyboard and sees the image; a tag chip, the group filter and the search find it", async ({ page, browser, consoleErrors }) => {
    consoleErrors.allowHttpStatus(400);
    const suffix = uniqueSuffix();
    const title = `Neck brace guide ${suffix}`;
    const tag = `brace${suffix}`;
    const filler = Array.from({ length: 25 }, (_, i) => `Paragraph ${i + 1} of practical advice.`).join("\n\n");
    let guideUrl = "";

    await signInAs(page, "morgan");
    await gotoAndHydrate(page, "/library/new?kind=guide");
    try {
      await page.getByLabel("Title").fill(title);
      await page.getByLabel("Category").selectOption({ label: "Living with dystonia" });
      await page.getByLabel("Tags (optional)").fill(`${tag}, posture`);
      await page.getByLabel("Group (optional)").selectOption({ label: "Blepharospasm" });
      const body = page.getByRole("textbox", { name: "Guide", exact: true });
      await body.fill(`# Choosing a brace\n\nStart here.\n\n${filler}\n\n## Fitting it\n\n${filler}\n\n# Wearing it every day\n\n${filler}`);
      // The cursor at the end of "Start here." (keyboard: top, two lines down, end of line).
      await body.focus();
      await page.keyboard.press("Control+Home");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("End");

      const adder = page.getByRole("group", { name: "Add an image" });
      const file = adder.getByLabel("Image");
      const alt = adder.getByLabel("Description (alt text)");
      const insert = adder.getByRole("button", { name: "Upload and insert" });

      // No description: refused next to the field, before anything is sent.
      await file.setInputFiles({ name: "brace.png", mimeType: "image/png", buffer: PNG });
      await insert.focus();
      await page.keyboard.press("Enter");
      await expect(adder.getByText("Describe the image for people who can't see it, or tick “Decorative only”.")).toBeVisible();
      await expect(alt).toBeFocused();
      await expect(alt).toHaveAttribute("aria-invalid", "true");

      // An SVG named .png is refused by the server from its bytes, with the reason on the file field.
      await file.setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: SVG });
      await alt.fill("A logo");
      await page.keyboard.press("Enter");
      await expect(adder.getByText("Only PNG, JPEG, WebP or GIF images can be added, and that file is not one of them (whatever its name says).")).toBeVisible();
      await expect(file).toHaveAttribute("aria-invalid", "true");
      await expect(body).not.toHaveValue(/library\/images/);

      // A real image with its description, by keyboard: Tab from the description to the button, Enter.
      await file.setInputFiles({ name: "brace.png", mimeType: "image/png", buffer: PNG });
      await alt.fill("A soft collar brace worn around the neck");
      await alt.focus();
      await page.keyboard.press("Tab"); // "Decorative only"
      await page.keyboard.press("Tab"); // "Upload and insert"
      await expect(insert).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(adder.getByRole("status")).toHaveText("Image added to the guide at the cursor. Save the guide to publish it.");
      await expect(body).toBeFocused();
      await expect(body).toHaveValue(/Start here\.\n\n!\[A soft collar brace worn around the neck\]\(\/library\/images\/[A-Za-z0-9_-]+\)\n\n/);
      await expect(alt).toHaveValue("");
      await expectAccessible(page);

      await page.getByRole("button", { name: "Add guide" }).click();
      await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
      await waitForHydration(page);
      guideUrl = new URL(page.url()).pathname;
      const image = page.getByRole("region", { name: "Guide" }).getByRole("img", { name: "A soft collar brace worn around the neck" });
      await expect(image).toBeVisible();
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1200);

      // A reader (a visitor: the guide is in the open library).
      const visitorContext = await browser.newContext();
      const reader = await visitorContext.newPage();
      consoleErrors.watch(reader);
      try {
        await gotoAndHydrate(reader, guideUrl);
        await expect(reader.getByRole("heading", { level: 1 })).toHaveCount(1);
        const guide = reader.getByRole("region", { name: "Guide" });
        await expect(guide.getByRole("heading", { level: 2 })).toHaveText(["Choosing a brace", "Wearing it every day"]);
        await expect(guide.getByRole("heading", { level: 3 })).toHaveText(["Fitting it"]);
        const contents = reader.getByRole("navigation", { name: "On this page" });
        await expect(contents.getByRole("link")).toHaveText(["Choosing a brace", "Fitting it", "Wearing it every day"]);
        // Jump by keyboard: the section comes into view and takes focus.
        const last = guide.getByRole("heading", { level: 2, name: "Wearing it every day" });
        await expect(last).not.toBeInViewport();
        await contents.getByRole("link", { name: "Wearing it every day" }).focus();
        await reader.keyboard.press("Enter");
        await expect(reader).toHaveURL(/#section-wearing-it-every-day$/);
        await expect(last).toBeInViewport();
        await expect(last).toBeFocused();
        const seen = guide.getByRole("img", { name: "A soft collar brace worn around the neck" });
        await seen.scrollIntoViewIfNeeded();
        await expect.poll(() => seen.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1200);
        await expect(seen).toHaveAttribute("loading", "lazy");
        await expectAccessible(reader);
        await expectReflowAt320(reader);

        // The tag chip (by keyboard) lists the guide, and says so.
        const chip = reader.getByRole("list", { name: "Tags" }).getByRole("link", { name: tag });
        await chip.focus();
        await reader.keyboard.press("Enter");
        await expect(reader).toHaveURL(new RegExp(`/library\\?tag=${tag}$`));
        await expect(reader.getByRole("heading", { level: 2, name: `Tagged ${tag}` })).toBeVisible();
        await expect(reader.getByText(`1 resource tagged ${tag}.`)).toBeVisible();
        await expect(reader.getByRole("heading", { level: 3, name: title })).toBeVisible();
        await expect(reader.getByLabel("Tag", { exact: true })).toHaveValue(tag);
        // Filters combine, in the URL: the tag and its group → still the guide, said so.
        await reader.getByLabel("Group", { exact: true }).selectOption({ label: "Blepharospasm" });
        await reader.getByRole("button", { name: "Search" }).click();
        await expect(reader).toHaveURL(/group=blepharospasm/);
        await expect(reader.getByText(`1 resource tagged ${tag}, in the group Blepharospasm.`)).toBeVisible();
        await expect(reader.getByRole("heading", { level: 3, name: title })).toBeVisible();
        await expectAccessible(reader);
        // The tag and another category → nothing.
        await reader.getByLabel("Category", { exact: true }).selectOption({ label: "Medications" });
        await reader.getByRole("button", { name: "Search" }).click();
        await expect(reader).toHaveURL(new RegExp(`tag=${tag}`));
        await expect(reader).toHaveURL(/category=medications/);
        await expect(reader.getByText(`No resources tagged ${tag} in Medications, in the group Blepharospasm.`)).toBeVisible();
        // The search finds the guide by its tag.
        await gotoAndHydrate(reader, `/library?q=${tag}`);
        await expect(reader.getByRole("heading", { level: 3, name: title })).toBeVisible();
        await expect(reader.getByText(`1 resource matching “${tag}”.`)).toBeVisible();
        await expectAccessible(reader);
        await expectReflowAt320(reader);
      } finally {
        await visitorContext.close();
      }
    } finally {
      // Leave the demo library as it was: retire the guide (its image goes with it).
      if (guideUrl) {
        await gotoAndHydrate(page, guideUrl);
        await page.getByRole("button", { name: "Retire" }).click();
        await expect(page.getByText("Retired", { exact: true }).first()).toBeVisible();
      }
    }
  });
});
