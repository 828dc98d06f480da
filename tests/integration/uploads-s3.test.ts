import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { eq } from "drizzle-orm";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMessages, dataExports, libraryImages, organizationMembers, organizations, resources } from "#db/schema/index";
import { deleteAccount } from "#app/modules/accounts/deletion.server";
import { runExport } from "#app/modules/accounts/export/build.server";
import { exportStorageKey } from "#app/modules/accounts/export/export.server";
import { VOICE_MAX_BYTES } from "#app/modules/chat/voice.schema";
import { unusedImagesSweep } from "#app/modules/library/guide-images.server";
import { IMAGE_MAX_BYTES } from "#app/modules/library/images.schema";
import { UPLOAD_MAX_BYTES } from "#app/modules/library/library.schema";
import { extractResourceText } from "#app/modules/library/pdf-text.server";
import { action as voiceAction } from "#app/routes/chat.rooms.$roomId.voice";
import { loader as audioLoader } from "#app/routes/chat.voice.$messageId";
import { action as editAction } from "#app/routes/library.$resourceId.edit";
import { loader as fileLoader } from "#app/routes/library.$resourceId.file";
import { action as imagesAction } from "#app/routes/library.images";
import { loader as imageLoader } from "#app/routes/library.images.$imageId";
import { action as newAction } from "#app/routes/library.new";
import { action as dataAction } from "#app/routes/settings.data";
import { loader as exportDownload } from "#app/routes/settings_.data.$exportId.download";
import { createMember } from "#tests/helpers/app";
import { HTML_BYTES, PNG_BYTES, webmOpus } from "#tests/helpers/audio";
import { clientId, createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { pdfWithPages } from "#tests/helpers/pdf";
import { testDatabaseKind } from "#tests/helpers/database";
import { startTestServer } from "#tests/helpers/server";
import { readZip } from "#tests/helpers/zip";

type Member = Awaited<ReturnType<typeof createMember>>;
type Handler = (args: never) => Promise<unknown>;

const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), Buffer.alloc(2000, 0x20), Buffer.from("\n%%EOF\n")]);
const BUCKET = "hearth-test";

/**
 * Uploads with S3_BUCKET set, through the real routes, against a real S3-protocol server (s3rver,
 * started here on a free port): each kind of upload lands in the bucket and nowhere under DATA_DIR,
 * downloads come back whole and by range, refusals (too big, wrong type) leave nothing in the
 * bucket, and the way each kind is removed deletes its object. The jobs that read stored files (PDF
 * text, the data export's ZIP) read them from the bucket, and the export itself is stored there.
 */
describe(`uploads on S3-compatible storage on ${testDatabaseKind}`, () => {
  let s3dir: string, dataDir: string;
  let s3: S3rver;
  let client: S3Client;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let owner: Member, talker: Member;
  let roomId: string;
  const ctx = (viewer: Member | null) => ({ app: server.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    s3dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-s3-"));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-s3-data-"));
    s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
    const endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
    const keys = { S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" };
    client = new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: keys.S3_ACCESS_KEY_ID, secretAccessKey: keys.S3_SECRET_ACCESS_KEY } });
    server = await startTestServer({ DATA_DIR: dataDir, S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, ...keys });
    owner = await createMember(server.app, "Owner");
    talker = await createMember(server.app, "Talker");
    await server.app.db.insert(organizations).values({ id: "org-a", slug: "org-a", name: "Org A" });
    await server.app.db.insert(organizationMembers).values({ organizationId: "org-a", userId: owner.id, role: "admin" });
    const { slug } = await createChatGroup(server.app, { moderatorId: owner.id, memberIds: [talker.id] });
    roomId = (await createChatRoom(server.app, owner, slug)).id;
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await s3?.close();
    for (const dir of [s3dir, dataDir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The keys in the bucket, sorted. */
  async function bucketKeys(): Promise<string[]> {
    const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  }

  /** Calls a route's loader or action the way Remix does; a thrown Response is an answer too. */
  async function call(handler: Handler, request: Request, viewer: Member | null, params: Record<string, string>): Promise<Response> {
    try {
      return (await (handler as (args: unknown) => Promise<unknown>)({ request, context: ctx(viewer), params })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  function multipart(url: string, fields: Record<string, string>, file: { field: string; bytes: Buffer; name: string; type: string }) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return new Request(url, { method: "POST", body: form });
  }

  const documentFields = { kind: "document", organizationId: "org-a", groupId: "", category: "medications", title: "Medication diary", summary: "A printable diary.", tags: "" };

  /**
   * One upload kind: how its route takes a file (answering the stored object's key, or the refusal's
   * status), how its route serves it, and how the app removes it.
   */
  type Kind = {
    name: string;
    good: Buffer;
    wrongType: Buffer;
    maxBytes: number;
    upload(bytes: Buffer): Promise<{ status: number; id?: string; key?: string }>;
    fetch(id: string, range?: string): Promise<Response>;
    remove(id: string): Promise<void>;
  };

  const documents: Kind = {
    name: "library document",
    good: PDF,
    wrongType: HTML_BYTES,
    maxBytes: UPLOAD_MAX_BYTES,
    async upload(bytes) {
      const res = await call(newAction, multipart("http://localhost/library/new", documentFields, { field: "file", bytes, name: "diary.pdf", type: "application/pdf" }), owner, {});
      if (res.status !== 302) return { status: res.status };
      const id = res.headers.get("Location")!.split("/").pop()!;
      const [row] = await server.app.db.select({ key: resources.fileKey }).from(resources).where(eq(resources.id, id));
      return { status: res.status, id, key: row!.key! };
    },
    fetch: (id) => call(fileLoader, new Request(`http://localhost/library/${id}/file`), owner, { resourceId: id }),
    // A document's file goes when another file replaces it.
    async remove(id) {
      const res = await call(editAction, multipart(`http://localhost/library/${id}/edit`, documentFields, { field: "file", bytes: PDF, name: "v2.pdf", type: "application/pdf" }), owner, { resourceId: id });
      expect(res.status).toBe(302);
    },
  };

  const guideImages: Kind = {
    name: "guide image",
    good: PNG_BYTES,
    wrongType: HTML_BYTES,
    maxBytes: IMAGE_MAX_BYTES,
    async upload(bytes) {
      const res = await call(imagesAction, multipart("http://localhost/library/images", { organizationId: "org-a", alt: "Diagram" }, { field: "image", bytes, name: "neck.png", type: "image/png" }), owner, {});
      const body = (await res.json()) as { image?: { id: string } };
      if (!body.image) return { status: res.status };
      const [row] = await server.app.db.select({ key: libraryImages.fileKey }).from(libraryImages).where(eq(libraryImages.id, body.image.id));
      return { status: res.status, id: body.image.id, key: row!.key };
    },
    fetch: (id) => call(imageLoader, new Request(`http://localhost/library/images/${id}`), owner, { imageId: id }),
    // Never attached to a guide: the unused-images sweep removes it a week later.
    async remove(id) {
      await unusedImagesSweep(server.app, new Date(Date.now() + 8 * 86_400_000));
      expect(await server.app.db.select().from(libraryImages).where(eq(libraryImages.id, id))).toEqual([]);
    },
  };

  const voiceNotes: Kind = {
    name: "voice note",
    good: webmOpus(1500),
    wrongType: PNG_BYTES,
    maxBytes: VOICE_MAX_BYTES,
    async upload(bytes) {
      const res = await call(voiceAction, multipart(`http://localhost/chat/rooms/${roomId}/voice`, { clientId: clientId() }, { field: "audio", bytes, name: "note.webm", type: "audio/webm" }), talker, { roomId });
      const body = (await res.json()) as { sent?: { message: { id: string } } };
      if (!body.sent) return { status: res.status };
      const [row] = await server.app.db.select({ voice: chatMessages.voice }).from(chatMessages).where(eq(chatMessages.id, body.sent.message.id));
      return { status: res.status, id: body.sent.message.id, key: row!.voice!.key };
    },
    fetch: (id, range) => call(audioLoader, new Request(`http://localhost/chat/voice/${id}`, { headers: range ? { Range: range } : {} }), owner, { messageId: id }),
    // A deleted account's voice notes go with it.
    remove: async () => {
      await deleteAccount(server.app, talker, { content: "keep", reauth: { currentPassword: talker.password } });
    },
  };

  describe.each([documents, guideImages, voiceNotes])("$name", (kind) => {
    it("lands in the bucket (not under DATA_DIR), comes back whole, and leaves nothing for a refusal", async () => {
      const stored = await kind.upload(kind.good);
      expect(stored.key).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(await bucketKeys()).toContain(stored.key);
      expect(fs.existsSync(path.join(dataDir, "uploads", stored.key!.slice(0, 2), stored.key!))).toBe(false);

      const whole = await kind.fetch(stored.id!);
      expect(whole.status).toBe(200);
      expect(whole.headers.get("Content-Length")).toBe(String(kind.good.length));
      expect(Buffer.from(await whole.arrayBuffer()).equals(kind.good)).toBe(true);

      const before = await bucketKeys();
      expect((await kind.upload(Buffer.concat([kind.good, Buffer.alloc(kind.maxBytes + 1 - kind.good.length, 0)]))).status).toBe(413);
      expect((await kind.upload(kind.wrongType)).status).toBe(400);
      expect(await bucketKeys()).toEqual(before);

      await kind.remove(stored.id!);
      expect(await bucketKeys()).not.toContain(stored.key);
    });
  });

  it("extracts a PDF's text for search from the bucket (the job reads through storage, not a path)", async () => {
    const stored = await documents.upload(pdfWithPages(["Dysphagia exercises", "Speech therapy contacts"]));
    expect(await extractResourceText(server.app, stored.id!, stored.key!)).toBe("indexed");
  });

  it("serves a voice note's Range requests from the bucket (206 with the whole size, 416 past the end)", async () => {
    const speaker = await createMember(server.app, "Speaker");
    const { slug } = await createChatGroup(server.app, { moderatorId: owner.id, memberIds: [speaker.id] });
    const room = (await createChatRoom(server.app, owner, slug, "Voice")).id;
    const audio = webmOpus(2000);
    const res = await call(voiceAction, multipart(`http://localhost/chat/rooms/${room}/voice`, { clientId: clientId() }, { field: "audio", bytes: audio, name: "n.webm", type: "audio/webm" }), speaker, { roomId: room });
    const { sent } = (await res.json()) as { sent: { message: { id: string } } };
    const part = await voiceNotes.fetch(sent.message.id, "bytes=10-19");
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe(`bytes 10-19/${audio.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(audio.subarray(10, 20))).toBe(true);
    const tail = await voiceNotes.fetch(sent.message.id, "bytes=-5");
    expect(Buffer.from(await tail.arrayBuffer()).equals(audio.subarray(audio.length - 5))).toBe(true);
    expect((await voiceNotes.fetch(sent.message.id, `bytes=${audio.length}-`)).status).toBe(416);
  });

  // Last: it deletes the owner.
  it("builds a data export into the bucket from the member's uploads there, serves it, and account deletion removes it", async () => {
    const mine = pdfWithPages(["Only in this member's export"]);
    await documents.upload(mine);
    const asked = await call(dataAction, new Request("http://localhost/settings/data", { method: "POST", body: "", headers: { "Content-Type": "application/x-www-form-urlencoded" } }), owner, {});
    expect(asked.status).toBeLessThan(400);
    const [row] = await server.app.db.select({ id: dataExports.id }).from(dataExports).where(eq(dataExports.userId, owner.id));
    await runExport(server.app, row!.id);
    const key = exportStorageKey(row!.id);
    expect(await bucketKeys()).toContain(key);

    const zip = await call(exportDownload, new Request(`http://localhost/settings/data/${row!.id}/download`), owner, { exportId: row!.id });
    expect(zip.status).toBe(200);
    const files = await readZip(Buffer.from(await zip.arrayBuffer()));
    expect([...files.values()].some((bytes) => bytes.equals(mine))).toBe(true);

    await deleteAccount(server.app, owner, { content: "keep", reauth: { currentPassword: owner.password } });
    expect(await bucketKeys()).not.toContain(key);
  });
});
