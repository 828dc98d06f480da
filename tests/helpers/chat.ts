import type { Socket } from "socket.io-client";
import { groupMemberships, groups, organizationMembers, organizations } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { newId } from "#app/lib/ids.server";
import { createRoom } from "#app/modules/chat/chat.server";
import type { Ack, ChatMessage, WhoAmI } from "#app/realtime/events";

/** Chat test fixtures: a group with people in every role, rooms, and promise helpers for sockets. */

export async function createChatGroup(app: AppContext, opts: { visibility?: "public" | "private"; moderatorId: string; memberIds?: string[]; orgStaff?: { userId: string; role: "owner" | "admin" | "moderator" }[] }) {
  const orgId = newId(6);
  const groupId = newId(6);
  const slug = `g-${groupId.toLowerCase().replace(/[^a-z0-9]/g, "")}${Date.now().toString(36)}`;
  await app.db.insert(organizations).values({ id: orgId, slug: `o-${slug}`, name: `Org ${slug}` });
  await app.db.insert(groups).values({
    id: groupId,
    slug,
    name: `Group ${slug}`,
    organizationId: orgId,
    visibility: opts.visibility ?? "public",
    joinPolicy: opts.visibility === "private" ? "approval" : "open",
  });
  await app.db.insert(groupMemberships).values([
    { groupId, userId: opts.moderatorId, role: "moderator", status: "active" },
    ...(opts.memberIds ?? []).map((userId) => ({ groupId, userId, role: "member" as const, status: "active" as const })),
  ]);
  for (const s of opts.orgStaff ?? []) await app.db.insert(organizationMembers).values({ organizationId: orgId, userId: s.userId, role: s.role });
  return { groupId, slug };
}

export async function createChatRoom(app: AppContext, moderator: { id: string; siteRole: "member" | "admin"; status: "active" | "suspended" }, slug: string, name = "General") {
  return createRoom(app, moderator, slug, { name });
}

type AnySocket = Socket;

/** Emits with an ack and resolves with the ack (rejects after `ms`). */
export function request<T = unknown>(socket: AnySocket, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
    socket.emit(event, ...args, (r: Ack<T>) => {
      clearTimeout(timer);
      resolve(r);
    });
  });
}

/** Resolves with the next `event` whose payload passes `match`. */
export function nextEvent<T = unknown>(socket: AnySocket, event: string, match: (p: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(p);
    };
    socket.on(event, listener);
  });
}

/** Collects every `event` payload from now on. */
export function collect<T = unknown>(socket: AnySocket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}

/**
 * Waits real time. Only for polling a condition between tries with a deadline, or where time itself is
 * what a test is about; a negative check waits for `sentinel` instead.
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `condition` every 25 ms until it holds; fails after `ms`. */
export async function until(condition: () => Promise<boolean> | boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(25);
  }
}

/**
 * Resolves once every packet the server sent these sockets before now has arrived: a whoami round
 * trip on each (one connection's packets arrive in the order they were sent).
 */
export async function drained(...sockets: AnySocket[]): Promise<void> {
  for (const s of sockets) expectOk(await request<WhoAmI>(s, "whoami"));
}

type SentinelSender = AnySocket | ((message: { roomId: string; body: string; clientId: string }) => Promise<unknown>);

/**
 * The barrier a negative check awaits instead of a sleep. A sentinel message is sent to the room
 * (over the `from` socket, or by a function such as the module's sendMessage); this resolves once
 * `control`, a socket that may read the room, has it, and then every `quiet` socket is drained. A
 * room's broadcasts reach each socket in order, so whatever went to the room before the sentinel has
 * reached every socket by then: assert afterwards that the quiet ones heard nothing.
 */
export async function sentinel(opts: { from: SentinelSender; roomId: string; control: AnySocket; quiet?: AnySocket[] }): Promise<ChatMessage> {
  const message = { roomId: opts.roomId, body: `sentinel ${clientId()}`, clientId: clientId() };
  const arrived = nextEvent<ChatMessage>(opts.control, "message:new", (m) => m.clientId === message.clientId);
  if (typeof opts.from === "function") await opts.from(message);
  else expectOk(await request(opts.from, "message:send", message));
  const got = await arrived;
  await drained(...(opts.quiet ?? []));
  return got;
}

let n = 0;
export const clientId = () => `c${Date.now().toString(36)}${(n++).toString(36)}xyz`;

export function expectError(ack: Ack<unknown>): { code: string; message: string } {
  if (ack.ok) throw new Error(`expected an error ack, got ${JSON.stringify(ack).slice(0, 200)}`);
  return ack.error;
}

export function expectOk<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
