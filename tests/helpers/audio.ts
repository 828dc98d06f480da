import { oggCrc } from "#app/modules/chat/voice-audio.server";

/**
 * Voice-note fixtures written byte by byte at test time (no binary files in the repository): a
 * minimal Ogg Opus stream (OpusHead, OpusTags, audio pages with granule positions, checksums) and a
 * minimal WebM as Chromium's MediaRecorder writes it (EBML header, Segment and Clusters of unknown
 * size, an A_OPUS track, SimpleBlocks). The packets are silence-sized stand-ins: the server checks
 * the containers, it doesn't decode audio.
 */

const OPUS_RATE = 48_000;
/** A 20 ms Opus packet's worth of bytes (TOC byte for a 20 ms SILK frame, then filler). */
const packet = (i: number) => Buffer.concat([Buffer.from([0x08]), Buffer.alloc(39, i & 0xff)]);

function oggPage(opts: { flags: number; granule: bigint; serial: number; seq: number; packets: Buffer[] }): Buffer {
  const lacing: number[] = [];
  for (const p of opts.packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  const header = Buffer.alloc(27);
  header.write("OggS", 0, "latin1");
  header[4] = 0;
  header[5] = opts.flags;
  header.writeBigInt64LE(opts.granule, 6);
  header.writeUInt32LE(opts.serial, 14);
  header.writeUInt32LE(opts.seq, 18);
  header[26] = lacing.length;
  const page = Buffer.concat([header, Buffer.from(lacing), ...opts.packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** An Ogg Opus stream of `durationMs` (in 20 ms packets, 50 to a page); `endOfStream: false` leaves the last page open. */
export function oggOpus(durationMs: number, { preSkip = 312, endOfStream = true }: { preSkip?: number; endOfStream?: boolean } = {}): Buffer {
  const serial = 0x1234abcd;
  const head = Buffer.alloc(19);
  head.write("OpusHead", 0, "latin1");
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(OPUS_RATE, 12);
  const tags = Buffer.concat([Buffer.from("OpusTags", "latin1"), Buffer.from([6, 0, 0, 0]), Buffer.from("hearth", "latin1"), Buffer.alloc(4)]);
  const pages = [oggPage({ flags: 0x02, granule: 0n, serial, seq: 0, packets: [head] }), oggPage({ flags: 0, granule: 0n, serial, seq: 1, packets: [tags] })];
  const frames = Math.max(1, Math.round(durationMs / 20));
  let written = 0;
  let seq = 2;
  while (written < frames) {
    const n = Math.min(50, frames - written);
    written += n;
    const last = written === frames;
    const granule = BigInt(preSkip + written * 960); // 20 ms at 48 kHz
    pages.push(oggPage({ flags: last && endOfStream ? 0x04 : 0, granule, serial, seq: seq++, packets: Array.from({ length: n }, (_, i) => packet(written + i)) }));
  }
  return Buffer.concat(pages);
}

// EBML: IDs keep their marker bits; sizes are written as 8-byte vints (0x01 + 7 bytes), or "unknown".
const UNKNOWN = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
function size(n: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 0x01;
  b.writeUIntBE(n, 2, 6);
  return b;
}
function idBytes(id: number): Buffer {
  const length = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const b = Buffer.alloc(length);
  b.writeUIntBE(id, 0, length);
  return b;
}
const el = (id: number, body: Buffer) => Buffer.concat([idBytes(id), size(body.length), body]);
const uint = (id: number, v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return el(id, b);
};
const str = (id: number, s: string) => el(id, Buffer.from(s, "latin1"));

function simpleBlock(relativeMs: number, i: number): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x81; // track 1
  head.writeInt16BE(relativeMs, 1);
  head[3] = 0x80; // keyframe
  return el(0xa3, Buffer.concat([head, packet(i)]));
}

/**
 * A WebM of `durationMs` in clusters of up to 5 s (MediaRecorder's shape: unknown sizes, no Duration),
 * or with `docType`/`codec` changed for the refusals.
 */
export function webmOpus(durationMs: number, { docType = "webm", codec = "A_OPUS" }: { docType?: string; codec?: string } = {}): Buffer {
  const header = el(0x1a45dfa3, Buffer.concat([uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, docType), uint(0x4287, 4), uint(0x4285, 2)]));
  const info = el(0x1549a966, Buffer.concat([uint(0x2ad7b1, 1_000_000), str(0x4d80, "hearth-test"), str(0x5741, "hearth-test")]));
  const track = el(0xae, Buffer.concat([uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 2), str(0x86, codec), el(0xe1, Buffer.concat([uint(0x9f, 1)]))]));
  const tracks = el(0x1654ae6b, track);
  const clusters: Buffer[] = [];
  const frames = Math.max(1, Math.round(durationMs / 20));
  for (let f = 0; f < frames; ) {
    const clusterStart = f * 20;
    const blocks: Buffer[] = [];
    while (f < frames && f * 20 - clusterStart < 5000) {
      blocks.push(simpleBlock(f * 20 - clusterStart, f));
      f++;
    }
    clusters.push(Buffer.concat([idBytes(0x1f43b675), UNKNOWN, uint(0xe7, clusterStart), ...blocks]));
  }
  return Buffer.concat([header, idBytes(0x18538067), UNKNOWN, info, tracks, ...clusters]);
}

/** A PNG signature and some bytes: an image, not audio. */
export const PNG_BYTES = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
/** A web page. */
export const HTML_BYTES = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
