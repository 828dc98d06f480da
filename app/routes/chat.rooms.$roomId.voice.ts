import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { NotFound } from "#app/lib/errors";
import { actionFailure, actionSuccess, requireParams } from "#app/lib/http.server";
import { RoomIdSchema } from "#app/modules/chat/chat.schema";
import { sendVoiceNote } from "#app/modules/chat/voice.server";

/**
 * POST /chat/rooms/:roomId/voice: a voice note (multipart: `audio`, `clientId`, optional `note`),
 * from the recorder in the composer. Same-origin only (server.ts's Origin check, like every POST).
 * Answers with the stored message as JSON, so the sender sees it at once (the room's broadcast
 * arrives too; the client dedupes by id); refusals are 4xx JSON with the reason.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { roomId } = requireParams(params, z.object({ roomId: RoomIdSchema }), () => NotFound("That room"));
  try {
    const sent = await sendVoiceNote(context.app, context.viewer, roomId, request);
    return actionSuccess(sent.duplicate ? "That voice note was already sent." : "Voice note sent.", { sent });
  } catch (e) {
    return actionFailure(e);
  }
}
