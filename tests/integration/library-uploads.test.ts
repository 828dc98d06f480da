import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPLOAD_MAX_BYTES } from "#app/modules/library/library.schema";
import { action as editAction } from "#app/routes/library.$resourceId.edit";
import { loader as fileLoader } from "#app/routes/library.$resourceId.file";
import { action as newAction } from "#app/routes/library.new";
import { groupMemberships, groups, organizationMembers, organizations, resources } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), Buffer.alloc(2000, 0x20), Buffer.from("\n%%EOF\n")]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 2)]);
const HTML = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");

const fields = { kind: "document", organizationId: "org-a", groupId: "", category: "medications", title: "Medication diary", summary: "A printable diary.", tags: "diary" };

/** Every file under a directory (recursively), relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

/**
 * Document uploads through the real route actions and the file route: type by content, the 10 MB limit
 * while streaming (413, typed fields kept, nothing half-written left), empty files, hostile file names,
 * and downloads only for those who may see the resource.
 */
describe(`library uploads on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let dataDir: string;
  let uploads: string;
  let owner: Member, member: Member, outsider: Member;
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-library-"));
    uploads = path.join(dataDir, "uploads");
    t = await createTestApp({ DATA_DIR: dataDir });
    await t.app.db.insert(organizations).values({ id: "org-a", slug: "org-a", name: "Org A" });
    await t.app.db.insert(groups).values({ id: "g-priv", slug: "g-priv", name: "Private", organizationId: "org-a", visibility: "private", joinPolicy: "approval" });
    owner = await createMember(t.app, "Owner");
    member = await createMember(t.app, "Member");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-a", userId: owner.id, role: "admin" });
    await t.app.db.insert(groupMemberships).values({ groupId: "g-priv", userId: member.id, role: "member", status: "active" });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function submit(file: { bytes: Buffer; name: string; type?: string } | null, extra: Record<string, string> = {}, viewer: Member | null = owner, to: "new" | string = "new") {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...fields, ...extra })) form.append(k, v);
    if (file) form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name);
    const url = to === "new" ? "http://localhost/library/new" : `http://localhost/library/${to}/edit`;
    const request = new Request(url, { method: "POST", body: form });
    try {
      const response = (to === "new"
        ? await newAction({ request, context: ctx(viewer), params: {} })
        : await editAction({ request, context: ctx(viewer), params: { resourceId: to } })) as Response;
      const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
      return { status: response.status, location: response.headers.get("Location"), data: data as { error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> } | null };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location"), data: null };
      throw thrown;
    }
  }

  async function download(id: string, viewer: Member | null) {
    try {
      return (await fileLoader({ request: new Request(`http://localhost/library/${id}/file`), context: ctx(viewer), params: { resourceId: id } })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  const count = async () => (await t.app.db.select({ id: resources.id }).from(resources)).length;
  /** Stored documents (excluding the temp directory, which must be empty too). */
  const stored = () => filesUnder(uploads).filter((f) => !f.startsWith("tmp"));
  const temp = () => filesUnder(path.join(uploads, "tmp"));

  it("stores a PDF under a random key and serves it with safe headers", async () => {
    const r = await submit({ bytes: PDF, name: "diary.pdf", type: "application/pdf" });
    expect(r.status).toBe(302);
    const id = r.location!.split("/").pop()!;
    const [row] = await t.app.db.select().from(resources).where(eq(resources.id, id));
    expect(row).toMatchObject({ kind: "document", fileName: "diary.pdf", fileMime: "application/pdf", fileSize: PDF.length });
    expect(row!.fileKey).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(stored()).toEqual([path.join(row!.fileKey!.slice(0, 2), row!.fileKey!)]);
    expect(temp()).toEqual([]);
    const res = await download(id, null);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="diary.pdf"; filename*=UTF-8''diary.pdf`);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it("types files by content: a PDF named .png is a PDF; PNG and JPEG are accepted inline", async () => {
    const renamed = await submit({ bytes: PDF, name: "scan.png", type: "image/png" });
    expect(renamed.status).toBe(302);
    const id = renamed.location!.split("/").pop()!;
    const res = await download(id, owner);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="scan\.pdf"/);
    for (const [bytes, mime] of [
      [PNG, "image/png"],
      [JPEG, "image/jpeg"],
    ] as const) {
      const r = await submit({ bytes, name: "picture", type: "application/pdf" });
      expect(r.status).toBe(302);
      const got = await download(r.location!.split("/").pop()!, null);
      expect(got.headers.get("Content-Type")).toBe(mime);
      expect(got.headers.get("Content-Disposition")).toMatch(/^inline; /);
    }
  });

  it("answers a cut-off or boundary-less multipart body with a 400 (the one error mapper), never a 500; nothing stored", async () => {
    const before = [await count(), stored().length];
    for (const [label, headers, body] of [
      ["no boundary", { "Content-Type": "multipart/form-data" }, "title=x"],
      ["cut off", { "Content-Type": "multipart/form-data; boundary=b" }, '--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nhalf'],
    ] as const) {
      const request = new Request("http://localhost/library/new", { method: "POST", headers, body });
      let status = 0;
      try {
        status = ((await newAction({ request, context: ctx(owner), params: {} })) as Response).status;
      } catch (thrown) {
        if (!(thrown instanceof Response)) throw thrown;
        status = thrown.status;
        expect(await thrown.json(), label).toMatchObject({ ok: false, message: expect.stringMatching(/could not be read/) });
      }
      expect(status, label).toBe(400);
    }
    expect([await count(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
  });

  it("refuses an HTML file named .pdf, keeping what was typed; nothing stored", async () => {
    const before = [await count(), stored().length];
    const r = await submit({ bytes: HTML, name: "leaflet.pdf", type: "application/pdf" }, { title: "Kept title" });
    expect(r.status).toBe(400);
    expect((r.data?.error?.file ?? []).join(" ")).toMatch(/Only PDF, PNG or JPEG/);
    expect(r.data?.initialValue?.title).toBe("Kept title");
    expect([await count(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
  });

  it("refuses a file of 10 MB + 1 byte with a 413 while streaming, keeps the typed fields, leaves nothing half-written", async () => {
    const before = [await count(), stored().length];
    const big = Buffer.alloc(UPLOAD_MAX_BYTES + 1, 0x20);
    PDF.copy(big, 0, 0, 8);
    const r = await submit({ bytes: big, name: "huge.pdf", type: "application/pdf" }, { title: "Big one" });
    expect(r.status).toBe(413);
    expect((r.data?.error?.file ?? []).join(" ")).toMatch(/larger than 10 MB/);
    expect(r.data?.initialValue?.title).toBe("Big one");
    expect([await count(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
    // Exactly 10 MB is fine.
    const ok = await submit({ bytes: big.subarray(0, UPLOAD_MAX_BYTES), name: "limit.pdf" });
    expect(ok.status).toBe(302);
    expect(temp()).toEqual([]);
  });

  it("refuses a zero-byte file and a document without a file", async () => {
    const before = [await count(), stored().length];
    const empty = await submit({ bytes: Buffer.alloc(0), name: "empty.pdf" });
    expect(empty.status).toBe(400);
    expect((empty.data?.error?.file ?? []).join(" ")).toMatch(/empty/);
    const none = await submit(null);
    expect(none.status).toBe(400);
    expect((none.data?.error?.file ?? []).join(" ")).toMatch(/Choose a PDF/);
    const blank = await submit({ bytes: Buffer.alloc(0), name: "" });
    expect(blank.status).toBe(400);
    expect([await count(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
  });

  it("never uses a path-traversal file name as a path", async () => {
    const outside = path.join(dataDir, "escaped.pdf");
    for (const name of ["../../escaped.pdf", "..\\..\\escaped.pdf", "/etc/passwd", "....//....//escaped.pdf", "a\u0000b\r\n\"x\".pdf", "%2e%2e%2fescaped.pdf"]) {
      const r = await submit({ bytes: PDF, name });
      expect(r.status, name).toBe(302);
      const [row] = await t.app.db.select().from(resources).where(eq(resources.id, r.location!.split("/").pop()!));
      // eslint-disable-next-line no-control-regex
      expect(row!.fileName, name).not.toMatch(/[/\\\u0000\r\n"]/);
      expect(row!.fileName!.endsWith(".pdf")).toBe(true);
      const res = await download(row!.id, owner);
      expect(res.headers.get("Content-Disposition")).not.toMatch(/[\r\n]/);
    }
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync("/etc/escaped.pdf")).toBe(false);
    for (const f of stored()) expect(path.basename(f)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it("keeps the form and the name of a file called dose;v2.png (or with = and quotes), and serves it under that name (RFC 6266)", async () => {
    const names: [string, string][] = [
      ["dose;v2.png", "dose;v2.png"],
      ["a=b; filename=evil.exe.png", "a=b; filename=evil.exe.png"],
      ['Übersicht; Dosis="2".png', "Übersicht; Dosis=2.png"],
      ["tab\there;x=\u0001\u001b.png", "tabhere;x=.png"],
    ];
    for (const [name, stored] of names) {
      const r = await submit({ bytes: PNG, name, type: "image/png" }, { title: "Kept title" });
      expect(r.status, name).toBe(302);
      const id = r.location!.split("/").pop()!;
      const [row] = await t.app.db.select().from(resources).where(eq(resources.id, id));
      expect(row!.title).toBe("Kept title");
      // Browsers send '"' as %22 (HTML's multipart encoding); the stored name drops what a file name can't hold.
      expect(row!.fileName, name).toBe(stored.replace('Dosis=2', 'Dosis=%222%22'));
      const res = await download(id, owner);
      const disposition = res.headers.get("Content-Disposition")!;
      // One quoted ASCII fallback without ; " \ or %, then the exact name percent-encoded as filename*.
      const m = /^inline; filename="([^"\\;%]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+.^_`|~%-]+)$/.exec(disposition);
      expect(m, disposition).not.toBeNull();
      expect(decodeURIComponent(m![2]!)).toBe(row!.fileName);
    }
    // The edit form reads uploads the same way.
    const first = await submit({ bytes: PNG, name: "v1.png" });
    const id = first.location!.split("/").pop()!;
    const edited = await submit({ bytes: PDF, name: "dose;v2=final.pdf" }, { title: "Edited with a ; name" }, owner, id);
    expect(edited.status).toBe(302);
    const [row] = await t.app.db.select().from(resources).where(eq(resources.id, id));
    expect(row).toMatchObject({ title: "Edited with a ; name", fileName: "dose;v2=final.pdf" });
    expect(temp()).toEqual([]);
  });

  it("refuses a PDF (or image) that is also a web page, keeping what was typed; accepts PDF syntax that only looks like tags", async () => {
    const polyglots: [string, Buffer][] = [
      ["PDF with <html><script>", Buffer.concat([Buffer.from("%PDF-1.7\n%\xe2\xe3\n"), Buffer.from("<html><body><script>fetch('/x')</script></body></html>\n"), PDF])],
      ["PDF with a <script> after 4 KB of padding", Buffer.concat([PDF.subarray(0, 9), Buffer.alloc(4096, 0x20), Buffer.from("<SCRIPT>alert(1)</SCRIPT>")])],
      ["PDF with UTF-16 HTML", Buffer.concat([PDF.subarray(0, 9), Buffer.from("<html><svg onload=alert(1)>", "utf16le")])],
      ["PNG with <iframe> in a text chunk", Buffer.concat([PNG.subarray(0, 8), Buffer.from("\0\0\0\x20tEXtComment\0<iframe src=//evil.example>")])],
    ];
    for (const [label, bytes] of polyglots) {
      const before = [await count(), stored().length];
      const r = await submit({ bytes, name: "leaflet.pdf", type: "application/pdf" }, { title: "Kept polyglot title" });
      expect(r.status, label).toBe(400);
      expect((r.data?.error?.file ?? []).join(" "), label).toMatch(/also a web page/);
      expect(r.data?.initialValue?.title, label).toBe("Kept polyglot title");
      expect([await count(), stored().length], label).toEqual(before);
      expect(temp(), label).toEqual([]);
    }
    // Real PDFs are full of < and <<: dictionaries, hex strings, XMP metadata. None of that is HTML.
    const legit = Buffer.concat([
      Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Metadata 2 0 R >> endobj\n"),
      Buffer.from("2 0 obj << /Type /Metadata /Subtype /XML >> stream\n<?xpacket begin='' id='W5M0'?><x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF></rdf:RDF></x:xmpmeta>\nendstream endobj\n"),
      Buffer.from("3 0 obj << /ID [<a1b2c3> <A>] /Title <48656c6c6f> /B <b> >> endobj\n%%EOF\n"),
    ]);
    expect((await submit({ bytes: legit, name: "real.pdf" })).status).toBe(302);
  });

  it("serves a private group's document only to insiders (404 for others), and only documents", async () => {
    const r = await submit({ bytes: PDF, name: "private.pdf" }, { groupId: "g-priv" });
    const id = r.location!.split("/").pop()!;
    expect((await download(id, member)).status).toBe(200);
    expect((await download(id, owner)).status).toBe(200);
    expect((await download(id, outsider)).status).toBe(404);
    expect((await download(id, null)).status).toBe(404);
    expect((await download("no-such-id", owner)).status).toBe(404);
    expect((await download("../../etc/passwd", owner)).status).toBe(404);
  });

  it("replaces a document's file on edit and deletes the old one; refuses a bad replacement", async () => {
    const r = await submit({ bytes: PDF, name: "v1.pdf" });
    const id = r.location!.split("/").pop()!;
    const [v1] = await t.app.db.select().from(resources).where(eq(resources.id, id));
    const edited = await submit({ bytes: PNG, name: "v2.png" }, { title: "Version two" }, owner, id);
    expect(edited.status).toBe(302);
    const [v2] = await t.app.db.select().from(resources).where(eq(resources.id, id));
    expect(v2).toMatchObject({ title: "Version two", fileName: "v2.png", fileMime: "image/png" });
    expect(stored()).not.toContain(path.join(v1!.fileKey!.slice(0, 2), v1!.fileKey!));
    const bad = await submit({ bytes: HTML, name: "v3.pdf" }, {}, owner, id);
    expect(bad.status).toBe(400);
    const noFile = await submit(null, { title: "Title only" }, owner, id);
    expect(noFile.status).toBe(302);
    const [v3] = await t.app.db.select().from(resources).where(eq(resources.id, id));
    expect(v3).toMatchObject({ title: "Title only", fileKey: v2!.fileKey });
    expect((await submit({ bytes: PDF, name: "x.pdf" }, {}, member, id)).status).toBe(403);
    expect(temp()).toEqual([]);
  });

  it("refuses non-staff (403), visitors (sign-in) and JSON bodies (415)", async () => {
    const before = [await count(), stored().length];
    expect((await submit({ bytes: PDF, name: "x.pdf" }, {}, outsider)).status).toBe(403);
    const visitor = await submit({ bytes: PDF, name: "x.pdf" }, {}, null);
    expect(visitor.status).toBe(302);
    expect(visitor.location).toMatch(/^\/signin/);
    const request = new Request("http://localhost/library/new", { method: "POST", body: JSON.stringify(fields), headers: { "Content-Type": "application/json" } });
    const json = await newAction({ request, context: ctx(owner), params: {} }).catch((e: unknown) => e as Response);
    expect((json as Response).status).toBe(415);
    expect([await count(), stored().length]).toEqual(before);
    expect(temp()).toEqual([]);
  });
});
