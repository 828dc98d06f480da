import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { AppContext } from "#app/lib/app-context.server";
// S3Storage takes assertKey from here; the cycle is only between functions called later, never at load.
import { S3Storage } from "./s3-storage.server";

/**
 * Where uploaded documents live. Keys are random ids chosen by the app (never a user's file name).
 * The filesystem implementation keeps them under `${DATA_DIR}/uploads`; S3Storage (s3-storage.server.ts)
 * keeps them in a bucket. Nothing outside these two knows where the bytes are.
 */
export interface FileStorage {
  /** Moves a finished local file (a temp upload) into storage under `key`. */
  put(key: string, localPath: string): Promise<void>;
  /**
   * The stored bytes, or null when there is no such key; with `range`, only bytes `start`..`end`
   * (inclusive, within the file: the caller checks it against `size`), while `size` stays the whole file's.
   */
  get(key: string, range?: { start: number; end: number }): Promise<{ stream: ReadableStream<Uint8Array>; size: number } | null>;
  /** Removes the key; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A directory for in-flight uploads (on the same filesystem, so `put` is a rename). */
  tempDir(): Promise<string>;
}

const KEY = /^[A-Za-z0-9_-]{16,64}$/;

export function assertKey(key: string) {
  if (!KEY.test(key)) throw new Error("invalid storage key");
}

export class FilesystemStorage implements FileStorage {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Two-character fan-out so no directory grows without bound. */
  private pathOf(key: string) {
    assertKey(key);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async tempDir() {
    const dir = path.join(this.root, "tmp");
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  async put(key: string, localPath: string) {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.rename(localPath, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
      // Another filesystem: copy to a neighbour, then rename into place (never a half-written target).
      const partial = `${target}.part`;
      await fs.copyFile(localPath, partial);
      await fs.rename(partial, target);
      await fs.rm(localPath, { force: true });
    }
  }

  async get(key: string, range?: { start: number; end: number }) {
    const file = this.pathOf(key);
    let size: number;
    try {
      size = (await fs.stat(file)).size;
    } catch {
      return null;
    }
    const stream = Readable.toWeb(createReadStream(file, range)) as ReadableStream<Uint8Array>;
    return { stream, size };
  }

  async delete(key: string) {
    await fs.rm(this.pathOf(key), { force: true });
  }
}

// One storage per configuration (an S3 client keeps its connections for reuse).
const byConfig = new WeakMap<AppContext["config"], FileStorage>();

/**
 * The storage for this app's configuration: the S3-compatible bucket when S3_BUCKET is set (several
 * nodes share it), else `${DATA_DIR}/uploads` on local disk (the embedded default).
 */
export function storageFor(app: AppContext): FileStorage {
  const c = app.config;
  let storage = byConfig.get(c);
  if (!storage) {
    storage = c.S3_BUCKET
      ? new S3Storage(c.S3_BUCKET, { endpoint: c.S3_ENDPOINT, region: c.S3_REGION, accessKeyId: c.S3_ACCESS_KEY_ID, secretAccessKey: c.S3_SECRET_ACCESS_KEY })
      : new FilesystemStorage(path.resolve(c.DATA_DIR, "uploads"));
    byConfig.set(c, storage);
  }
  return storage;
}
