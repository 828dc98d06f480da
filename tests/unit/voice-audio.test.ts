import { describe, expect, it } from "vitest";
import { checkVoiceAudio, sniffVoiceType } from "#app/modules/chat/voice-audio.server";
import { HTML_BYTES, oggOpus, PNG_BYTES, webmOpus } from "#tests/helpers/audio";

/** The voice-note container checks on generated Ogg Opus and WebM streams: type, duration, truncation. */
describe("voice note audio checks", () => {
  it("reads an Ogg Opus stream's duration from its last granule position", () => {
    expect(checkVoiceAudio(oggOpus(2000))).toEqual({ ok: true, mime: "audio/ogg", durationMs: 2000 });
    expect(checkVoiceAudio(oggOpus(119_980))).toEqual({ ok: true, mime: "audio/ogg", durationMs: 119_980 });
  });

  it("reads a MediaRecorder-shaped WebM's duration from its clusters and blocks", () => {
    expect(checkVoiceAudio(webmOpus(2000))).toEqual({ ok: true, mime: "audio/webm", durationMs: 2000 });
    expect(checkVoiceAudio(webmOpus(12_340))).toEqual({ ok: true, mime: "audio/webm", durationMs: 12_340 });
  });

  it("calls anything else not audio", () => {
    for (const bytes of [PNG_BYTES, HTML_BYTES, Buffer.alloc(0), Buffer.from("OggS"), webmOpus(1000, { docType: "matroska" }), webmOpus(1000, { codec: "V_VP8" })]) {
      expect(checkVoiceAudio(bytes)).toMatchObject({ ok: false });
    }
    expect(checkVoiceAudio(PNG_BYTES)).toEqual({ ok: false, problem: "not-audio" });
    expect(checkVoiceAudio(webmOpus(1000, { codec: "A_VORBIS" }))).toEqual({ ok: false, problem: "not-audio" });
    expect(sniffVoiceType(HTML_BYTES)).toBeNull();
  });

  it("finds a stream cut off anywhere", () => {
    const ogg = oggOpus(3000);
    const webm = webmOpus(3000);
    for (const cut of [30, 100, Math.floor(ogg.length / 2), ogg.length - 1]) expect(checkVoiceAudio(ogg.subarray(0, cut))).toEqual({ ok: false, problem: "truncated" });
    for (const cut of [60, 150, Math.floor(webm.length / 2), webm.length - 1]) expect(checkVoiceAudio(webm.subarray(0, cut))).toMatchObject({ ok: false });
    expect(checkVoiceAudio(webm.subarray(0, webm.length - 1))).toEqual({ ok: false, problem: "truncated" });
    // An Ogg stream whose last page never says end-of-stream, or with a flipped byte (checksum).
    expect(checkVoiceAudio(oggOpus(3000, { endOfStream: false }))).toEqual({ ok: false, problem: "truncated" });
    const flipped = Buffer.from(ogg);
    flipped[flipped.length - 5]! ^= 0xff;
    expect(checkVoiceAudio(flipped)).toEqual({ ok: false, problem: "truncated" });
  });

  it("refuses random bytes behind a real magic number without throwing", () => {
    for (let i = 0; i < 50; i++) {
      const noise = Buffer.from(Array.from({ length: 500 }, () => Math.floor(Math.random() * 256)));
      noise.set([0x1a, 0x45, 0xdf, 0xa3], 0);
      expect(checkVoiceAudio(noise).ok).toBe(false);
      noise.write("OggS", 0, "latin1");
      expect(checkVoiceAudio(noise).ok).toBe(false);
    }
  });
});
