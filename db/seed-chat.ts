import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { chatMessages, chatRooms } from "./schema/index";

/** Demo chat rooms with a few friendly messages. Idempotent like seedDemo: fixed ids, ON CONFLICT DO NOTHING. */
const rooms = [
  { id: "demo-room-cervical-general", groupId: "demo-group-cervical", name: "General chat" },
  { id: "demo-room-cervical-newcomers", groupId: "demo-group-cervical", name: "Newcomers' corner" },
  { id: "demo-room-bleph-general", groupId: "demo-group-blepharospasm", name: "General chat" },
  { id: "demo-room-hand-general", groupId: "demo-group-hand", name: "General chat" },
  { id: "demo-room-carers-general", groupId: "demo-group-carers", name: "Carers' chat" },
];

const messages: Record<string, [author: string, body: string][]> = {
  "demo-room-cervical-general": [
    ["demo-sam", "Welcome to the live chat! Be kind, take your time, and remember that nobody here gives medical advice."],
    ["demo-alex", "Morning all. Heat pack on the neck and a second coffee: that is the plan for today."],
    ["demo-robin", "Same here, Alex. My botox appointment is next week, fingers crossed for a good round."],
    ["demo-alex", "Good luck Robin! The first two weeks are always the hardest for me."],
  ],
  "demo-room-cervical-newcomers": [
    ["demo-sam", "New here? Say hello and tell us as much or as little as you like. There is no rush to reply."],
  ],
  "demo-room-bleph-general": [
    ["demo-sam", "Welcome! Dark mode is on if your device asks for it, and every button is large."],
    ["demo-alex", "FL-41 tinted glasses have helped me with screens more than anything else."],
  ],
  "demo-room-hand-general": [
    ["demo-kit", "Has anyone tried a weighted pen? My occupational therapist suggested one."],
    ["demo-sam", "A few people mentioned them in the forum: worth a look."],
  ],
  "demo-room-carers-general": [["demo-robin", "Nice to have a quiet place to talk about the carer side of things."]],
};

export async function seedChat(db: Database): Promise<void> {
  await db.insert(chatRooms).values(rooms).onConflictDoNothing();
  const base = Date.parse("2026-03-02T09:00:00Z");
  for (const room of rooms) {
    const list = messages[room.id] ?? [];
    if (!list.length) continue;
    await db
      .insert(chatMessages)
      .values(
        list.map(([authorId, body], i) => ({
          id: `${room.id}-m${i + 1}`,
          roomId: room.id,
          seq: i + 1,
          authorId,
          body,
          clientId: `seed-${room.id}-${i + 1}`,
          createdAt: new Date(base + i * 4 * 60_000),
        })),
      )
      .onConflictDoNothing();
    await db
      .update(chatRooms)
      .set({ lastSeq: sql`greatest(${chatRooms.lastSeq}, ${list.length})` })
      .where(sql`${chatRooms.id} = ${room.id}`);
  }
}
