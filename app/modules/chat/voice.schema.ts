import { z } from "zod";
import { countOf } from "#app/lib/plural";
import { ClientIdSchema, MAX_MESSAGE_CHARS } from "./chat.schema";

/** Voice notes' limits and words, shared by the server and the recorder in the browser. */

/** Recording stops by itself here (the server allows VOICE_GRACE_MS more for the recorder's last frames). */
export const VOICE_MAX_MS = 120_000;
export const VOICE_GRACE_MS = 1_000;
/**
 * The largest file accepted. Opus voice at the 32 kbit/s the recorder asks for is ~480 KB for two
 * minutes; a browser that ignores that hint records at up to 128 kbit/s, ~1.9 MB: 2 MiB takes both
 * and nothing bigger than a voice note.
 */
export const VOICE_MAX_BYTES = 2 * 1024 * 1024;
/** Asked of MediaRecorder (audioBitsPerSecond). */
export const VOICE_BITS_PER_SECOND = 32_000;
/** What MediaRecorder is asked for, in order: Opus in WebM (Chromium) or in Ogg (Firefox). */
export const VOICE_RECORDER_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"] as const;
export const VOICE_SPEEDS = [0.75, 1, 1.25, 1.5] as const;

export const voiceMessages = {
  tooLarge: `That recording is larger than ${VOICE_MAX_BYTES / 1024 / 1024} MB, so it can't be sent. Please record a shorter voice note.`,
  empty: "That recording has no sound in it. Please record it again.",
  wrongType: "That file is not a voice note (Opus audio in WebM or Ogg), so it can't be sent. Please record it here again.",
  polyglot: "That file is not a voice note (it has a web page inside), so it can't be sent.",
  truncated: "That recording was cut off before its end (the upload may have been interrupted). Please record it again.",
  tooLong: `A voice note can be at most ${VOICE_MAX_MS / 60_000} minutes long. Please record a shorter one.`,
  missing: "Record a voice note first.",
  unreadable: "The voice note could not be read. Please try again.",
};

/** The typed parts of the upload form. The note is optional, with the same limit as a message. */
export const VoiceNoteFieldsSchema = z.object({
  clientId: ClientIdSchema,
  note: z
    .string({ invalid_type_error: "A note must be text." })
    .max(MAX_MESSAGE_CHARS, `A note can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters.`)
    .optional()
    .default("")
    .transform((s) => s.trim()),
  /** "1": the sender answered "send anyway" to the personal-data question about the note. */
  confirmPersonal: z
    .string()
    .optional()
    .transform((v) => v === "1"),
});

/** Minutes and seconds as people say them: "1 minute 5 seconds", "42 seconds". */
export function voiceDurationText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes === 0) return countOf(seconds, "second");
  return seconds === 0 ? countOf(minutes, "minute") : `${countOf(minutes, "minute")} ${countOf(seconds, "second")}`;
}

/** "0:42" for the visible clock. */
export function voiceClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}
