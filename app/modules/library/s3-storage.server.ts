import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertKey, type FileStorage } from "./storage.server";

/**
 * Uploads in an S3-compatible bucket, so every node serves every file. Uploads stream into a local
 * temp file first (the checks above storage need the whole file); put() streams it to the bucket and
 * removes it.
 */
export class S3Storage implements FileStorage {
  private readonly client: S3Client;
  constructor(
    private readonly bucket: string,
    opts: { endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string },
  ) {
    const config: S3ClientConfig = {
      region: opts.region,
      // Self-hosted S3 servers (MinIO, s3rver) address buckets by path, not by subdomain.
      ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
      // Only when required: not every S3-compatible server understands the newer default checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // Without explicit keys the SDK's default chain (env, profile, instance role) applies.
      ...(opts.accessKeyId && opts.secretAccessKey ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } } : {}),
    };
    this.client = new S3Client(config);
  }

  /** The same key rule as local disk (storage.server.ts), so no key means something else here. */
  private check(key: string) {
    assertKey(key);
    return key;
  }

  async tempDir() {
    const dir = path.join(os.tmpdir(), "hearth-uploads");
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  async put(key: string, localPath: string) {
    try {
      await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: this.check(key), Body: createReadStream(localPath) } }).done();
    } finally {
      await fs.rm(localPath, { force: true });
    }
  }

  async get(key: string, range?: { start: number; end: number }) {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.check(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      // With a range, ContentRange ("bytes 0-9/1234") carries the whole file's size.
      const total = out.ContentRange ? Number(out.ContentRange.split("/")[1]) : out.ContentLength;
      if (!out.Body || total === undefined || !Number.isFinite(total)) return null;
      const stream = Readable.toWeb(out.Body as Readable) as ReadableStream<Uint8Array>;
      return { stream, size: total };
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === "NoSuchKey") return null;
      throw e;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.check(key) }));
  }
}
