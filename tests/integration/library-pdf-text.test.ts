import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listResources } from "#app/modules/library/library.server";
import { EXTRACT_LIMITS } from "#app/modules/library/pdf-extract.server";
import { extractResourceText, textStatusOf } from "#app/modules/library/pdf-text.server";
import { action as editAction } from "#app/routes/library.$resourceId.edit";
import { action as newAction } from "#app/routes/library.new";
import { groupMemberships, groups, organizationMembers, organizations, resourcePages, resources } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { hostilePdf, pdfWithPages } from "#tests/helpers/pdf";

type Member = Awaited<ReturnType<typeof createMember>>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
const fields = { kind: "document", organizationId: "org-p", groupId: "", category: "research", summary: "A leaflet.", tags: "" };

/**
 * PDF text through the real upload route and the job queue: pages stored and searched with the
 * matching page named; hostile files end as "failed" with nothing stored; a private group's PDF
 * text is found only by those who may see the resource.
 */
describe(`library PDF text on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let dataDir: string;
  let owner: Member, member: Member, outsider: Member;
  let settled = 0;
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-pdf-"));
    t = await createTestApp({ DATA_DIR: dataDir });
    await t.app.db.insert(organizations).values({ id: "org-p", slug: "org-p", name: "Org P" });
    await t.app.db.insert(groups).values({ id: "g-secret", slug: "g-secret", name: "Secret", organizationId: "org-p", visibility: "private", joinPolicy: "approval" });
    owner = await createMember(t.app, "Owner");
    member = await createMember(t.app, "Member");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-p", userId: owner.id, role: "admin" });
    await t.app.db.insert(groupMemberships).values({ groupId: "g-secret", userId: member.id, role: "member", status: "active" });
    await t.app.jobs.start(t.app);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Uploads through the route action as the owner; resolves once the extraction job it queued has run. */
  async function upload(title: string, bytes: Buffer, extra: Record<string, string> = {}, to = "new", expectJob = true) {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...fields, title, ...extra })) form.append(k, v);
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), "leaflet.pdf");
    const url = to === "new" ? "http://localhost/library/new" : `http://localhost/library/${to}/edit`;
    const request = new Request(url, { method: "POST", body: form });
    const response = (to === "new"
      ? await newAction({ request, context: ctx(owner), params: {} })
      : await editAction({ request, context: ctx(owner), params: { resourceId: to } })) as Response;
    expect(response.status).toBe(302);
    const id = to === "new" ? response.headers.get("Location")!.split("/").pop()! : to;
    if (expectJob) {
      settled += 1;
      await t.app.jobs.waitFor("library.extract-text", settled);
    }
    return id;
  }

  const pagesOf = async (id: string) =>
    (await t.app.db.select({ page: resourcePages.page, text: resourcePages.text }).from(resourcePages).where(eq(resourcePages.resourceId, id))).sort((a, b) => a.page - b.page);

  it("extracts each page's text at upload; search finds a word from page 3 and names page 3", async () => {
    const id = await upload("Botulinum leaflet", pdfWithPages(["Welcome to the leaflet", "Dosage and timing", "Side effects include dysphagia sometimes", "Contacts"]));
    expect(await textStatusOf(t.app, id)).toEqual({ status: "indexed", pages: 4 });
    expect((await pagesOf(id)).map((p) => p.text)).toEqual(["Welcome to the leaflet", "Dosage and timing", "Side effects include dysphagia sometimes", "Contacts"]);
    const found = await listResources(t.app, outsider, { q: "dysphagia" });
    expect(found.resources.map((r) => r.id)).toEqual([id]);
    expect(found.resources[0]!.match!.page).toBe(3);
    expect(found.resources[0]!.match!.snippet.filter((s) => s.hit).map((s) => s.text)).toEqual(["dysphagia"]);
    // A word in the title: the resource's own text wins, no page named.
    const byTitle = await listResources(t.app, outsider, { q: "botulinum" });
    expect(byTitle.resources[0]!.match!.page).toBeNull();
    // Visitors search it too.
    expect((await listResources(t.app, null, { q: "dysphagia" })).resources.map((r) => r.id)).toEqual([id]);
  });

  it("a new file replaces the pages; a stale job for the old file stores nothing", async () => {
    const id = await upload("Replaced leaflet", pdfWithPages(["Original wording about orthotics"]));
    const [before] = await t.app.db.select({ fileKey: resources.fileKey }).from(resources).where(eq(resources.id, id));
    await upload("Replaced leaflet", pdfWithPages(["Newer wording", "About physiotherapy"]), {}, id);
    expect((await pagesOf(id)).map((p) => p.text)).toEqual(["Newer wording", "About physiotherapy"]);
    expect((await listResources(t.app, owner, { q: "orthotics" })).resources).toEqual([]);
    // The old file's job, arriving late: the row holds another file, so nothing changes.
    expect(await extractResourceText(t.app, id, before!.fileKey!)).toBeNull();
    expect((await pagesOf(id)).length).toBe(2);
  });

  it("hostile PDFs end as failed with no pages, and the app keeps serving", async () => {
    for (const [name, bytes] of [
      ["truncated", hostilePdf.truncated()],
      ["random", hostilePdf.randomBytes()],
      ["bomb", hostilePdf.deflateBomb(200)],
    ] as const) {
      const id = await upload(`Hostile ${name}`, bytes);
      expect(await textStatusOf(t.app, id), name).toEqual({ status: "failed", pages: 0 });
    }
    // Still answering searches afterwards.
    expect((await listResources(t.app, owner, { q: "dysphagia" })).resources.length).toBe(1);
  }, 60_000);

  it("a hanging extraction is stopped by the timeout; a huge page count is cut at the page limit", async () => {
    const id = await upload("Many pages", hostilePdf.hugePageCount(5_000));
    expect(await textStatusOf(t.app, id)).toEqual({ status: "indexed", pages: EXTRACT_LIMITS.maxPages });
    const [row] = await t.app.db.select({ fileKey: resources.fileKey }).from(resources).where(eq(resources.id, id));
    // A timeout too short for any file: the worker is terminated and the status is failed.
    expect(await extractResourceText(t.app, id, row!.fileKey!, { ...EXTRACT_LIMITS, timeoutMs: 1 })).toBe("failed");
    expect(await pagesOf(id)).toEqual([]);
  }, 60_000);

  it("long pages are cut, not failed", async () => {
    const long = Array.from({ length: 3000 }, (_, i) => `word${i} spasm`).join(" ");
    const id = await upload("Long page", pdfWithPages([long]));
    const [row] = await t.app.db.select({ fileKey: resources.fileKey }).from(resources).where(eq(resources.id, id));
    expect(await extractResourceText(t.app, id, row!.fileKey!, { ...EXTRACT_LIMITS, maxPageChars: 1000 })).toBe("indexed");
    const [page] = await pagesOf(id);
    expect(page!.text.length).toBeLessThanOrEqual(1000);
    expect(page!.text.startsWith("word0 spasm word1")).toBe(true);
  });

  it("an image document gets no text status and no job", async () => {
    const before = t.app.jobs.settledCount("library.extract-text");
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...fields, title: "A picture" })) form.append(k, v);
    form.append("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "pic.png");
    const response = (await newAction({ request: new Request("http://localhost/library/new", { method: "POST", body: form }), context: ctx(owner), params: {} })) as Response;
    const id = response.headers.get("Location")!.split("/").pop()!;
    expect(await textStatusOf(t.app, id)).toEqual({ status: null, pages: 0 });
    // Nothing was queued: a PDF uploaded next is the only job to settle.
    await upload("After the picture", pdfWithPages(["Marker text"]));
    expect(t.app.jobs.settledCount("library.extract-text")).toBe(before + 1);
  });

  it("a private group's PDF text is found only by those who may see the resource", async () => {
    const id = await upload("Secret notes", pdfWithPages(["Nothing here", "The meeting word is quokka"]), { groupId: "g-secret" });
    expect(await textStatusOf(t.app, id)).toMatchObject({ status: "indexed" });
    expect((await listResources(t.app, outsider, { q: "quokka" })).resources).toEqual([]);
    expect((await listResources(t.app, null, { q: "quokka" })).resources).toEqual([]);
    const seen = await listResources(t.app, member, { q: "quokka" });
    expect(seen.resources.map((r) => [r.id, r.match?.page])).toEqual([[id, 2]]);
  });
});
