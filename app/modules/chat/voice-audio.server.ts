/**
 * What a voice note's bytes are, checked from the bytes alone (never the browser's Content-Type or a
 * file name): Opus in WebM (Chromium's MediaRecorder) or in Ogg (Firefox's), with its duration, and
 * whether it was cut off. Both readers are bounded (element/page counts, header sizes), read a
 * buffer already capped by the upload's byte limit, and never throw: anything they can't follow is
 * "not audio" or "truncated".
 */

export type VoiceMime = "audio/webm" | "audio/ogg";

export type AudioCheck =
  | { ok: true; mime: VoiceMime; durationMs: number }
  | { ok: false; problem: "not-audio" | "truncated" | "no-sound" };

/** Whether the first bytes are a WebM or an Ogg container at all (before the full parse). */
export function sniffVoiceType(head: Uint8Array): VoiceMime | null {
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return "audio/webm";
  if (head.length >= 4 && head[0] === 0x4f && head[1] === 0x67 && head[2] === 0x67 && head[3] === 0x53) return "audio/ogg"; // OggS
  return null;
}

export function checkVoiceAudio(bytes: Uint8Array): AudioCheck {
  const mime = sniffVoiceType(bytes);
  if (mime === "audio/webm") return checkWebm(bytes);
  if (mime === "audio/ogg") return checkOgg(bytes);
  return { ok: false, problem: "not-audio" };
}

// ── Ogg (RFC 3533) with Opus (RFC 7845) ───────────────────────────────────────────────────────

const OGG_MAX_PAGES = 20_000;
const OPUS_RATE = 48_000;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** The Ogg page checksum (CRC-32, polynomial 0x04C11DB7, not reflected), computed with its own field as zero. */
export function oggCrc(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const b = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  return crc >>> 0;
}

const ascii = (bytes: Uint8Array, at: number, length: number) => Buffer.from(bytes.subarray(at, at + length)).toString("latin1");

/**
 * Walks every page: each must start with "OggS", version 0, have its whole segment table and body,
 * and a correct checksum; the first packet is "OpusHead"; the last page carries end-of-stream.
 * Duration = (last granule position − pre-skip) / 48 kHz.
 */
function checkOgg(bytes: Uint8Array): AudioCheck {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let pages = 0;
  let preSkip = 0;
  let lastGranule = -1n;
  let serial: number | null = null;
  let ended = false;
  while (at < bytes.length) {
    if (ended || ++pages > OGG_MAX_PAGES) return { ok: false, problem: "not-audio" }; // data after the end, or absurdly many pages
    if (bytes.length - at < 27) return { ok: false, problem: "truncated" };
    if (ascii(bytes, at, 4) !== "OggS" || bytes[at + 4] !== 0) return { ok: false, problem: pages === 1 ? "not-audio" : "truncated" };
    const flags = bytes[at + 5]!;
    const granule = view.getBigInt64(at + 6, true);
    const pageSerial = view.getUint32(at + 14, true);
    const segments = bytes[at + 26]!;
    if (bytes.length - at < 27 + segments) return { ok: false, problem: "truncated" };
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[at + 27 + i]!;
    const end = at + 27 + segments + bodyLength;
    if (end > bytes.length) return { ok: false, problem: "truncated" };
    const page = bytes.subarray(at, end);
    if (oggCrc(page) !== view.getUint32(at + 22, true)) return { ok: false, problem: pages === 1 ? "not-audio" : "truncated" };
    const body = bytes.subarray(at + 27 + segments, end);
    if (pages === 1) {
      // The identification header, alone on the first page (beginning-of-stream set).
      if (!(flags & 0x02) || body.length < 19 || ascii(body, 0, 8) !== "OpusHead") return { ok: false, problem: "not-audio" };
      preSkip = body[10]! | (body[11]! << 8);
      serial = pageSerial;
    } else if (pageSerial !== serial) {
      return { ok: false, problem: "not-audio" }; // a second (chained or multiplexed) stream: not a plain voice note
    }
    if (granule !== -1n) lastGranule = granule;
    if (flags & 0x04) ended = true;
    at = end;
  }
  if (!ended) return { ok: false, problem: "truncated" };
  const samples = Number(lastGranule) - preSkip;
  if (pages < 3 || samples <= 0) return { ok: false, problem: "no-sound" }; // headers only
  return { ok: true, mime: "audio/ogg", durationMs: Math.round((samples * 1000) / OPUS_RATE) };
}

// ── WebM (Matroska's EBML) with Opus ──────────────────────────────────────────────────────────

const WEBM_MAX_ELEMENTS = 100_000;

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  CodecID: 0x86,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;

/** Master elements whose children matter: the walk steps into them instead of over them. */
const DESCEND = new Set<number>([ID.Segment, ID.Info, ID.Tracks, ID.TrackEntry, ID.Cluster, ID.BlockGroup]);

type Vint = { value: number; length: number; unknown: boolean } | null;

/** An EBML variable-length integer at `at` (an ID keeps its marker bit; a size drops it). */
function readVint(bytes: Uint8Array, at: number, keepMarker: boolean, maxLength: number): Vint | "short" {
  if (at >= bytes.length) return "short";
  const first = bytes[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > maxLength) return null;
  if (at + length > bytes.length) return "short";
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!;
    if (bytes[at + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(bytes: Uint8Array): number {
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/**
 * One flat walk over the element stream: the EBML header must say DocType "webm"; a track must be
 * A_OPUS; each Cluster's Timecode plus each block's relative timecode gives the latest timestamp
 * (MediaRecorder writes no Duration, and unknown sizes for the Segment and its Clusters, which the
 * flat walk doesn't need). An element whose header or declared body runs past the end: truncated.
 */
function checkWebm(bytes: Uint8Array): AudioCheck {
  let at = 0;
  let elements = 0;
  let docType: string | null = null;
  let opus = false;
  let scale = 1_000_000; // ns per timecode unit (the Matroska default)
  let declaredMs = 0;
  let cluster = 0;
  let latest = -1;
  let blocks = 0;
  while (at < bytes.length) {
    if (++elements > WEBM_MAX_ELEMENTS) return { ok: false, problem: "not-audio" };
    const id = readVint(bytes, at, true, 4);
    if (id === "short") return { ok: false, problem: "truncated" };
    if (!id) return { ok: false, problem: elements === 1 ? "not-audio" : "truncated" };
    const size = readVint(bytes, at + id.length, false, 8);
    if (size === "short") return { ok: false, problem: "truncated" };
    if (!size) return { ok: false, problem: "not-audio" };
    const start = at + id.length + size.length;
    if (elements === 1 && id.value !== ID.EBML) return { ok: false, problem: "not-audio" };
    if (id.value === ID.EBML) {
      if (elements !== 1 || size.unknown) return { ok: false, problem: "not-audio" };
      at = start; // its children (DocType…) follow in the flat walk
      continue;
    }
    if (DESCEND.has(id.value)) {
      if (id.value === ID.Cluster && docType !== "webm") return { ok: false, problem: "not-audio" };
      if (!size.unknown && start + size.value > bytes.length) return { ok: false, problem: "truncated" };
      at = start;
      continue;
    }
    if (size.unknown) return { ok: false, problem: "not-audio" }; // only masters may have an unknown size
    const end = start + size.value;
    if (end > bytes.length) return { ok: false, problem: "truncated" };
    const body = bytes.subarray(start, end);
    switch (id.value) {
      case ID.DocType:
        docType = ascii(body, 0, body.length).replace(/\0+$/, "");
        break;
      case ID.TimecodeScale:
        scale = readUint(body) || scale;
        break;
      case ID.Duration: {
        const v = body.length === 4 ? new DataView(body.buffer, body.byteOffset, 4).getFloat32(0) : body.length === 8 ? new DataView(body.buffer, body.byteOffset, 8).getFloat64(0) : 0;
        if (Number.isFinite(v) && v > 0) declaredMs = (v * scale) / 1e6;
        break;
      }
      case ID.CodecID:
        if (ascii(body, 0, body.length).replace(/\0+$/, "") === "A_OPUS") opus = true;
        break;
      case ID.Timecode:
        cluster = readUint(body);
        break;
      case ID.SimpleBlock:
      case ID.Block: {
        // Track number (a vint), then a signed 16-bit timecode relative to the cluster's.
        const track = readVint(body, 0, false, 8);
        if (!track || track === "short" || body.length < track.length + 3) return { ok: false, problem: "truncated" };
        const relative = new DataView(body.buffer, body.byteOffset + track.length, 2).getInt16(0);
        latest = Math.max(latest, cluster + relative);
        blocks++;
        break;
      }
    }
    at = end;
  }
  if (docType !== "webm" || !opus) return { ok: false, problem: "not-audio" };
  if (blocks === 0) return { ok: false, problem: "no-sound" };
  // The last block's start, plus one Opus frame (20 ms) so a one-block note isn't "0 seconds".
  const fromBlocks = (latest * scale) / 1e6 + 20;
  return { ok: true, mime: "audio/webm", durationMs: Math.round(Math.max(fromBlocks, declaredMs)) };
}
