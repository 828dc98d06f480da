/**
 * Chat addresses, built in one place (the server's wire shapes and the browser's links agree).
 * A group room lives under its group; a direct conversation under /messages.
 */
export interface RoomAddress {
  roomId: string;
  /** The group's slug, or null for a direct conversation. */
  groupSlug: string | null;
}

export function roomHref(room: RoomAddress): string {
  return room.groupSlug ? `/groups/${room.groupSlug}/chat/${room.roomId}` : `/messages/${room.roomId}`;
}

/** A message's permalink: the room opened at that message (`?at=` loads the history around it; the fragment focuses it). */
export function messageHref(room: RoomAddress, seq: number): string {
  return `${roomHref(room)}?at=${seq}#${messageAnchor(seq)}`;
}

/**
 * The seq a permalink's `?at=` asks for, or null: anything that is not a whole positive number is
 * ignored (the room opens at its latest messages), never an error page.
 */
export function permalinkSeq(search: URLSearchParams): number | null {
  const raw = search.get("at");
  if (raw === null || !/^[1-9][0-9]{0,14}$/.test(raw)) return null;
  return Number(raw);
}

/** The moderator's page that moves a message and its replies into a forum thread (group rooms only). */
export function chatMoveHref(room: RoomAddress, messageId: string): string {
  return `${roomHref(room)}/move/${messageId}`;
}

/** The element id of a message in the room's list. */
export function messageAnchor(seq: number): string {
  return `message-${seq}`;
}

/** Where a voice note's audio is served (through the policy, like library files). */
export function chatVoiceUrl(messageId: string): string {
  return `/chat/voice/${messageId}`;
}

/** A group's chat search; `room` narrows it to one room, `after` is the "More results" cursor. */
export function chatSearchHref(groupSlug: string, params: { q?: string; room?: string | null; after?: string | null } = {}): string {
  const query = new URLSearchParams();
  if (params.q) query.set("q", params.q);
  if (params.room) query.set("room", params.room);
  if (params.after) query.set("after", params.after);
  const qs = query.toString();
  return `/groups/${groupSlug}/chat/search${qs ? `?${qs}` : ""}`;
}

/** Where the recorder posts a voice note for a room. */
export function chatVoiceUploadUrl(roomId: string): string {
  return `/chat/rooms/${roomId}/voice`;
}
