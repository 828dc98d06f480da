import fs from "node:fs/promises";
import { rowsOf } from "#app/lib/db-rows.server";
import { eq, sql } from "drizzle-orm";
import { chatMessages, type ChatVoice } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { invalidInput } from "#app/lib/http.server";
import { Invalid, NotFound, TooLarge, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { assertCan, can } from "#app/policy.server";
import { seesHidden } from "#app/modules/moderation/auto-hide.server";
import { storageFor } from "#app/modules/library/storage.server";
import { discardUpload, readUploadForm, type UploadKind, type UploadOutcome } from "#app/modules/library/upload.server";
import { gateVoiceNote } from "#app/modules/safety/chat-gate.server";
import { fileWatchedFlag } from "#app/modules/safety/flags.server";
import { commitSend, loadRoom, prepareSend, type ChatActor, type SendResult } from "./chat.server";
import { parseByteRange } from "#app/lib/byte-range.server";
import { checkVoiceAudio, sniffVoiceType, type VoiceMime } from "./voice-audio.server";
import { VOICE_GRACE_MS, VOICE_MAX_BYTES, VOICE_MAX_MS, voiceMessages, VoiceNoteFieldsSchema } from "./voice.schema";

/**
 * Voice notes: uploaded over HTTP (a socket is no place for a 2 MB body), checked from their bytes,
 * stored through the library's FileStorage under a random key, and sent as a chat message of kind
 * "voice" through the same prepare → store → commit path as a typed message (policy, send rate, slow
 * mode, one seq bump, broadcast). Played back through the policy: chat.read on the message's room.
 * A deleted voice note (by its author or a moderator) keeps its file, like a deleted message keeps
 * its body: moderators' review and a restore need it; it is never served again. Retention's sweep
 * and account deletion remove files for good.
 */

const voiceKind: UploadKind<VoiceMime> = {
  sniff: sniffVoiceType,
  extension: (mime) => (mime === "audio/ogg" ? "ogg" : "webm"),
  messages: voiceMessages,
};

/**
 * One voice note from a multipart form (`audio` file, `clientId`, optional `note`). Refusals are
 * domain errors (the route maps them to 4xx JSON); whatever was refused leaves no temp file, no
 * stored file and no message. A retried clientId answers with the stored message and stores nothing.
 */
export async function sendVoiceNote(app: AppContext, viewer: ChatActor | null, roomId: string, request: Request): Promise<SendResult> {
  if (!viewer) throw Unauthenticated();
  const storage = storageFor(app);
  const { formData, upload } = await readUploadForm(request, storage, { field: "audio", maxBytes: VOICE_MAX_BYTES, kind: voiceKind });
  let key: string | null = null;
  try {
    const fields = VoiceNoteFieldsSchema.safeParse({ clientId: formData.get("clientId") ?? undefined, note: formData.get("note") ?? undefined, confirmPersonal: formData.get("confirmPersonal") ?? undefined });
    if (!fields.success) throw invalidInput(fields.error, voiceMessages.unreadable);
    const audio = await checkedAudio(upload);

    const prepared = await prepareSend(app, viewer, { roomId, clientId: fields.data.clientId });
    if ("duplicate" in prepared) return prepared.duplicate;

    // The safety gate on the note's text (a voice note is never held: refused where a message would wait).
    const screening = await gateVoiceNote(app.db, prepared.send, fields.data.note, fields.data.confirmPersonal);
    key = newId(24);
    await storage.put(key, audio.tempPath);
    const voice: ChatVoice = { key, mime: audio.mime, bytes: audio.size, durationMs: audio.durationMs };
    const sent = await commitSend(app, prepared.send, { body: fields.data.note, clientId: fields.data.clientId, voice });
    // A concurrent retry with the same clientId stored its own copy first: this one is not needed.
    if (sent.duplicate) await storage.delete(key);
    key = null;
    if (!sent.duplicate && prepared.send.room.groupId) await fileWatchedFlag(app.db, screening, { targetType: "chat_message", targetId: sent.message.id, groupId: prepared.send.room.groupId });
    return sent;
  } finally {
    await discardUpload(upload);
    if (key) await storage.delete(key); // stored, but the message was not created
  }
}

async function checkedAudio(upload: UploadOutcome<VoiceMime> | null) {
  if (!upload) throw Invalid(voiceMessages.missing);
  if (!upload.ok) throw upload.status === 413 ? TooLarge(upload.message) : Invalid(upload.message);
  // Capped at VOICE_MAX_BYTES by the upload reader, so reading it whole is bounded.
  const check = checkVoiceAudio(await fs.readFile(upload.tempPath));
  if (!check.ok) throw Invalid(check.problem === "truncated" ? voiceMessages.truncated : check.problem === "no-sound" ? voiceMessages.empty : voiceMessages.wrongType);
  if (check.durationMs > VOICE_MAX_MS + VOICE_GRACE_MS) throw Invalid(voiceMessages.tooLong);
  return { tempPath: upload.tempPath, size: upload.size, mime: check.mime, durationMs: check.durationMs };
}

/**
 * A voice note's audio for someone who may read its room (404 for everyone else, and once the
 * message is deleted: its file is kept for moderators' review and a restore, but never served).
 */
export async function getVoiceAudio(app: AppContext, viewer: ChatActor | null, messageId: string, rangeHeader: string | null) {
  const [row] = await app.db
    .select({ roomId: chatMessages.roomId, voice: chatMessages.voice, deletedAt: chatMessages.deletedAt, hiddenAt: chatMessages.hiddenAt })
    .from(chatMessages)
    .where(eq(chatMessages.id, messageId))
    .limit(1);
  if (!row) throw NotFound(VOICE);
  const room = await loadRoom(app, viewer, row.roomId);
  assertCan(viewer, "chat.read", room.target, VOICE);
  if (!row.voice || row.deletedAt) throw NotFound(VOICE);
  // Auto-hidden pending review: only the group's moderators, who review it, may still play it.
  if (!seesHidden(row.hiddenAt !== null, !("kind" in room.target) && can(viewer, "chat.moderate", room.target))) throw NotFound(VOICE);
  const size = row.voice.bytes;
  const range = parseByteRange(rangeHeader, size);
  if (range.kind === "unsatisfiable") return { mime: row.voice.mime, size, range, stream: null };
  const stored = await storageFor(app).get(row.voice.key, range.kind === "part" ? { start: range.start, end: range.end } : undefined);
  if (!stored) throw NotFound(VOICE);
  return { mime: row.voice.mime, size: stored.size, range, stream: stored.stream };
}

const VOICE = "That voice note";

/**
 * An account was deleted: its voice notes go, whatever it chose for its text. A recording can't be
 * anonymised (the voice is the person), so each file is removed and its message keeps only the
 * note ("This voice note is no longer available"). Called after the deletion committed; safe to run
 * again (it finds nothing left).
 */
export async function removeVoiceNotesOf(app: AppContext, userId: string): Promise<number> {
  const result = await app.db.execute(sql`
    with old as (
      select id, voice from ${chatMessages} where author_id = ${userId} and voice is not null for update
    )
    update ${chatMessages} m set voice = null from old where m.id = old.id
    returning old.voice as voice`);
  const rows = rowsOf<{ voice: ChatVoice | string }>(result);
  const storage = storageFor(app);
  for (const r of rows) {
    const voice = (typeof r.voice === "string" ? JSON.parse(r.voice) : r.voice) as ChatVoice;
    await storage.delete(voice.key);
  }
  return rows.length;
}
