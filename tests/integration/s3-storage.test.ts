import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Storage } from "#app/modules/library/s3-storage.server";

async function text(stream: ReadableStream<Uint8Array>) {
  return Buffer.from(await new Response(stream).arrayBuffer()).toString();
}

/** S3Storage against a real S3-protocol server (s3rver) on a free local port. */
describe("S3Storage", () => {
  let dir: string;
  let server: S3rver;
  let storage: S3Storage;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-s3-"));
    server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "hearth", configs: [] }] });
    const address: AddressInfo = await server.run();
    storage = new S3Storage("hearth", { endpoint: `http://127.0.0.1:${address.port}`, region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("puts, reads whole and by range, deletes, and answers null for a missing key", async () => {
    const local = path.join(await storage.tempDir(), "a-upload");
    fs.writeFileSync(local, "0123456789abcdef");
    const key = "abcdefghijklmnop";
    await storage.put(key, local);
    expect(fs.existsSync(local)).toBe(false);

    const whole = await storage.get(key);
    expect(whole?.size).toBe(16);
    expect(await text(whole!.stream)).toBe("0123456789abcdef");

    const part = await storage.get(key, { start: 2, end: 5 });
    expect(part?.size).toBe(16);
    expect(await text(part!.stream)).toBe("2345");

    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
    expect(await storage.get("zzzzzzzzzzzzzzzz")).toBeNull();
    await storage.delete("zzzzzzzzzzzzzzzz"); // missing key is not an error
  });
});
