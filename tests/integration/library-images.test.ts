import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_MAX_BYTES } from "#app/modules/library/images.schema";
import { action as imagesAction } from "#app/routes/library.images";
import { loader as imageLoader } from "#app/routes/library.images.$imageId";
import { action as editAction } from "#app/routes/library.$resourceId.edit";
import { loader as resourceLoader } from "#app/routes/library.$resourceId._index/route";
import { action as newAction } from "#app/routes/library.new";
import { groupMemberships, groups, libraryImages, organizationMembers, organizations, resources } from "#db/schema/index";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 2)]);
const GIF = Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(100, 3)]);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x64, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(100, 4)]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>');
const HTML = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
/** A real PNG header with a web page after it: a polyglot. */
const PNG_HTML = Buffer.concat([PNG, Buffer.from("<html><script>alert(1)</script></html>")]);

const guideFields = { kind: "guide", organizationId: "org-a", groupId: "", category: "living", title: "Getting dressed", summary: "", tags: "" };

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

/**
 * Guide images through the real routes: upload (type by bytes, 5 MB, alt text or "decorative",
 * staff only), serving through the policy (unattached: staff only; attached: whoever sees the guide;
 * 404 otherwise; caching only when public), and the guide save's checks (alt text, unknown ids,
 * another organization's or another guide's image) with the body kept.
 */
describe(`library guide images on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let dataDir: string;
  let uploads: string;
  let owner: Member, ownerB: Member, member: Member, outsider: Member;
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-images-"));
    uploads = path.join(dataDir, "uploads");
    t = await createTestApp({ DATA_DIR: dataDir });
    await t.app.db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await t.app.db.insert(groups).values({ id: "g-priv", slug: "g-priv", name: "Private", organizationId: "org-a", visibility: "private", joinPolicy: "approval" });
    owner = await createMember(t.app, "Owner");
    ownerB = await createMember(t.app, "OwnerB");
    member = await createMember(t.app, "Member");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "org-a", userId: owner.id, role: "admin" },
      { organizationId: "org-b", userId: ownerB.id, role: "admin" },
    ]);
    await t.app.db.insert(groupMemberships).values({ groupId: "g-priv", userId: member.id, role: "member", status: "active" });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const stored = () => filesUnder(uploads).filter((f) => !f.startsWith("tmp"));
  const temp = () => filesUnder(path.join(uploads, "tmp"));
  const imageCount = async () => (await t.app.db.select({ id: libraryImages.id }).from(libraryImages)).length;

  type UploadReply = { ok: boolean; message: string; fieldErrors?: Record<string, string[]>; image?: { id: string; url: string; markdown: string } };
  async function upload(file: { bytes: Buffer; name: string; type?: string } | null, fields: Record<string, string> = { alt: "Diagram of the neck" }, viewer: Member | null = owner) {
    const form = new FormData();
    for (const [k, v] of Object.entries({ organizationId: "org-a", ...fields })) form.append(k, v);
    if (file) form.append("image", new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "image/png" }), file.name);
    const response = (await imagesAction({ request: new Request("http://localhost/library/images", { method: "POST", body: form }), context: ctx(viewer), params: {} })) as Response;
    return { status: response.status, data: (await response.json()) as UploadReply };
  }

  async function uploaded(viewer: Member = owner, organizationId = "org-a") {
    const r = await upload({ bytes: PNG, name: "neck.png" }, { organizationId, alt: "Diagram of the neck" }, viewer);
    expect(r.status).toBe(200);
    return r.data.image!;
  }

  async function fetchImage(id: string, viewer: Member | null) {
    try {
      return (await imageLoader({ request: new Request(`http://localhost/library/images/${id}`), context: ctx(viewer), params: { imageId: id } })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  type FormReply = { status: number; location: string | null; data: { error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> } | null };
  async function saveGuide(fields: Record<string, string>, viewer: Member = owner, resourceId?: string): Promise<FormReply> {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...guideFields, ...fields })) form.append(k, v);
    const url = resourceId ? `http://localhost/library/${resourceId}/edit` : "http://localhost/library/new";
    const request = new Request(url, { method: "POST", body: form });
    try {
      const response = (resourceId
        ? await editAction({ request, context: ctx(viewer), params: { resourceId } })
        : await newAction({ request, context: ctx(viewer), params: {} })) as Response;
      const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
      return { status: response.status, location: response.headers.get("Location"), data };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location"), data: null };
      throw thrown;
    }
  }

  it("stores a PNG, JPEG, GIF and WebP by their bytes (not their names) and answers with the Markdown to insert", async () => {
    for (const [bytes, mime, name] of [
      [PNG, "image/png", "photo.jpg"],
      [JPEG, "image/jpeg", "photo.png"],
      [GIF, "image/gif", "anim"],
      [WEBP, "image/webp", "pic.webp"],
    ] as const) {
      const r = await upload({ bytes, name, type: "application/octet-stream" }, { alt: "Brace [left] side" });
      expect(r.status, mime).toBe(200);
      const image = r.data.image!;
      expect(image.markdown).toBe(`![Brace \\[left\\] side](/library/images/${image.id})`);
      const [row] = await t.app.db.select().from(libraryImages).where(eq(libraryImages.id, image.id));
      expect(row).toMatchObject({ organizationId: "org-a", resourceId: null, fileMime: mime, fileSize: bytes.length, uploadedBy: owner.id });
      const res = await fetchImage(image.id, owner);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe(mime);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Cache-Control")).toBe("private, no-store");
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect(temp()).toEqual([]);
  });

  it("refuses an SVG or HTML file named .png, a PNG with a web page inside, an empty file, no file and 5 MB + 1 byte; nothing stored", async () => {
    const before = [await imageCount(), stored().length];
    for (const [label, file, status, message] of [
      ["svg", { bytes: SVG, name: "logo.png", type: "image/png" }, 400, /Only PNG, JPEG, WebP or GIF/],
      ["html", { bytes: HTML, name: "photo.png", type: "image/png" }, 400, /Only PNG, JPEG, WebP or GIF/],
      ["polyglot", { bytes: PNG_HTML, name: "photo.png" }, 400, /also a web page/],
      ["empty", { bytes: Buffer.alloc(0), name: "photo.png" }, 400, /empty/],
      ["none", null, 400, /Choose the image/],
      ["too large", { bytes: Buffer.concat([PNG, Buffer.alloc(IMAGE_MAX_BYTES + 1 - PNG.length, 0)]), name: "big.png" }, 413, /larger than 5 MB/],
    ] as const) {
      const r = await upload(file);
      expect(r.status, label).toBe(status);
      expect(r.data.ok, label).toBe(false);
      expect((r.data.fieldErrors?.image ?? []).join(" "), label).toMatch(message);
    }
    expect([await imageCount(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
    // Exactly 5 MB is fine.
    const limit = await upload({ bytes: Buffer.concat([PNG, Buffer.alloc(IMAGE_MAX_BYTES - PNG.length, 0)]), name: "limit.png" });
    expect(limit.status).toBe(200);
  });

  it("requires alt text or an explicit 'decorative', and says so next to the field", async () => {
    const before = await imageCount();
    for (const alt of ["", "   "]) {
      const r = await upload({ bytes: PNG, name: "x.png" }, { alt });
      expect(r.status).toBe(400);
      expect((r.data.fieldErrors?.alt ?? []).join(" ")).toMatch(/Describe the image/);
    }
    expect(await imageCount()).toBe(before);
    const decorative = await upload({ bytes: PNG, name: "x.png" }, { alt: "", decorative: "on" });
    expect(decorative.status).toBe(200);
    expect(decorative.data.image!.markdown).toBe(`![](/library/images/${decorative.data.image!.id} "decorative")`);
  });

  it("lets only the organization's staff upload: 401 signed out, 403 for members and another organization's staff", async () => {
    const before = [await imageCount(), stored().length];
    expect((await upload({ bytes: PNG, name: "x.png" }, undefined, null)).status).toBe(401);
    expect((await upload({ bytes: PNG, name: "x.png" }, undefined, member)).status).toBe(403);
    expect((await upload({ bytes: PNG, name: "x.png" }, undefined, ownerB)).status).toBe(403);
    expect([await imageCount(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
  });

  it("serves an image not yet in a guide to the organization's staff only (404 to members, other staff and visitors)", async () => {
    const image = await uploaded();
    expect((await fetchImage(image.id, owner)).status).toBe(200);
    for (const viewer of [member, outsider, ownerB, null]) expect((await fetchImage(image.id, viewer)).status).toBe(404);
    expect((await fetchImage("no-such-image", owner)).status).toBe(404);
  });

  it("attaches a private group guide's image: its members see it, outsiders and visitors get 404, never cached", async () => {
    const image = await uploaded();
    const saved = await saveGuide({ groupId: "g-priv", body: `# Buttons\n\n${image.markdown}` });
    expect(saved.status).toBe(302);
    const resourceId = saved.location!.split("/").pop()!;
    const [row] = await t.app.db.select().from(libraryImages).where(eq(libraryImages.id, image.id));
    expect(row!.resourceId).toBe(resourceId);
    for (const viewer of [owner, member]) {
      const res = await fetchImage(image.id, viewer);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    }
    for (const viewer of [outsider, ownerB, null]) expect((await fetchImage(image.id, viewer)).status).toBe(404);
    // The member's page shows it, with its alt text.
    const page = (await resourceLoader({ request: new Request(`http://localhost/library/${resourceId}`), context: ctx(member), params: { resourceId } })) as unknown as {
      resource: { bodyHtml: string };
    };
    const data = page instanceof Response ? await page.json() : page;
    expect(data.resource.bodyHtml).toContain(`<img src="/library/images/${image.id}" alt="Diagram of the neck" loading="lazy" />`);
  });

  it("serves a public guide's image to everyone, kept by browsers but never by shared caches; a retired guide's image is 404 to readers", async () => {
    const image = await uploaded();
    const saved = await saveGuide({ body: `Intro\n\n${image.markdown}` });
    expect(saved.status).toBe(302);
    const resourceId = saved.location!.split("/").pop()!;
    for (const viewer of [null, outsider, member]) {
      const res = await fetchImage(image.id, viewer);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("private, max-age=86400, immutable");
    }
    await t.app.db.update(resources).set({ retiredAt: new Date() }).where(eq(resources.id, resourceId));
    for (const viewer of [null, outsider]) expect((await fetchImage(image.id, viewer)).status).toBe(404);
    expect((await fetchImage(image.id, owner)).status).toBe(200);
    await t.app.db.update(resources).set({ retiredAt: null }).where(eq(resources.id, resourceId));
  });

  it("refuses to save a guide whose image has no alt text, an unknown id, another organization's or another guide's image: message on the body, text kept, nothing written", async () => {
    const mine = await uploaded();
    const theirs = await uploaded(ownerB, "org-b");
    const elsewhere = await uploaded();
    const first = await saveGuide({ title: "First guide", body: elsewhere.markdown });
    expect(first.status).toBe(302);
    const count = async () => (await t.app.db.select({ id: resources.id }).from(resources)).length;
    const before = await count();
    for (const [label, body, message] of [
      ["no alt", `Before\n\n![](/library/images/${mine.id})\n\nAfter`, /Every image needs a description/],
      ["blank alt", `![   ](/library/images/${mine.id})`, /Every image needs a description/],
      ["unknown", "![Brace](/library/images/doesnotexist)", /is not one added to this organization's library/],
      ["other org", theirs.markdown, /is not one added to this organization's library/],
      ["other guide", elsewhere.markdown, /already shown in another guide/],
    ] as const) {
      const r = await saveGuide({ title: `Guide ${label}`, body });
      expect(r.status, label).toBe(400);
      expect((r.data?.error?.body ?? []).join(" "), label).toMatch(message);
      expect(String(r.data?.initialValue?.body).replace(/\r\n/g, "\n"), label).toBe(body);
    }
    expect(await count()).toBe(before);
    // Nothing was attached by the refused saves (the transaction rolled back).
    const [row] = await t.app.db.select().from(libraryImages).where(eq(libraryImages.id, mine.id));
    expect(row!.resourceId).toBeNull();
    // Inside code an image is just text: no check, no attachment.
    expect((await saveGuide({ title: "Code sample", body: "`![](/library/images/doesnotexist)`" })).status).toBe(302);
  });

  it("on edit: keeps the guide's own images, attaches new ones, and refuses a missing alt with the text kept", async () => {
    const a = await uploaded();
    const saved = await saveGuide({ title: "Editable guide", body: a.markdown });
    const resourceId = saved.location!.split("/").pop()!;
    const b = await uploaded();
    const edited = await saveGuide({ title: "Editable guide", body: `${a.markdown}\n\n${b.markdown}` }, owner, resourceId);
    expect(edited.status).toBe(302);
    const rows = await t.app.db.select({ id: libraryImages.id, resourceId: libraryImages.resourceId }).from(libraryImages).where(eq(libraryImages.resourceId, resourceId));
    expect(rows.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    const bad = `${a.markdown}\n\n![](/library/images/${b.id})`;
    const refused = await saveGuide({ title: "Editable guide", body: bad }, owner, resourceId);
    expect(refused.status).toBe(400);
    expect(String(refused.data?.initialValue?.body).replace(/\r\n/g, "\n")).toBe(bad);
    const [guide] = await t.app.db.select({ body: resources.body }).from(resources).where(eq(resources.id, resourceId));
    expect(guide!.body.replace(/\r\n/g, "\n")).toBe(`${a.markdown}\n\n${b.markdown}`);
  });

  it("sweeps away images no guide was saved with after 7 days (row and file); attached ones stay", async () => {
    const unused = await uploaded();
    const used = await uploaded();
    const saved = await saveGuide({ title: "Keeps its image", body: used.markdown });
    expect(saved.status).toBe(302);
    const keyOf = async (id: string) => (await t.app.db.select({ key: libraryImages.fileKey }).from(libraryImages).where(eq(libraryImages.id, id)))[0]?.key;
    const unusedKey = (await keyOf(unused.id))!;
    const usedKey = (await keyOf(used.id))!;
    const realNow = t.app.clock.now();
    try {
      // Six days on: nothing is old enough yet.
      t.app.clock = { now: () => new Date(realNow.getTime() + 6 * 24 * 3600_000) };
      await runSweeps(t.app);
      expect(await keyOf(unused.id)).toBe(unusedKey);
      t.app.clock = { now: () => new Date(realNow.getTime() + 8 * 24 * 3600_000) };
      await runSweeps(t.app);
      expect(await keyOf(unused.id)).toBeUndefined();
      expect(stored()).not.toContain(path.join(unusedKey.slice(0, 2), unusedKey));
      expect(await keyOf(used.id)).toBe(usedKey);
      expect(stored()).toContain(path.join(usedKey.slice(0, 2), usedKey));
      expect((await fetchImage(used.id, null)).status).toBe(200);
    } finally {
      t.app.clock = { now: () => new Date() };
    }
  });
});
