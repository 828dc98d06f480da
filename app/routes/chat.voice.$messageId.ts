import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { storedFileResponse } from "#app/lib/byte-range.server";
import { NotFound } from "#app/lib/errors";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { getVoiceAudio } from "#app/modules/chat/voice.server";

/**
 * GET /chat/voice/:messageId (chatVoiceUrl): a voice note's audio for those who may read its room
 * (404 for everyone else), with Range support so the player can seek. The type is the one detected
 * from the bytes at upload; nosniff and a sandboxing CSP keep the browser from treating it as anything else.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { messageId } = requireParams(params, z.object({ messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }), () => NotFound("That voice note"));
  const audio = await loaderWork(() => getVoiceAudio(context.app, context.viewer, messageId, request.headers.get("range")));
  return storedFileResponse(audio, {
    "Content-Type": audio.mime,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
  });
}
