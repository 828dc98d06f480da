import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CrisisPrompt } from "#app/components/moderation/crisis-prompt";
import { Button } from "#app/components/ui/button";
import type { ChatMessage } from "#app/realtime/events";
import { hasUnread, unreadText } from "#app/realtime/room-state";
import { useRoom, type RoomInitial } from "#app/realtime/use-room";
import { ActionForm, type ActionKind } from "./action-form";
import { Composer } from "./composer";
import { useChatDraft } from "./draft";
import { MessageList } from "./message-list";
import { ReplyingTo, useJump } from "./reply";
import { ChatRoomProvider, type ChatRoomContextValue, type Self } from "./room-context";
import { ModeratorTools } from "./moderator-tools";
import { PresenceList } from "./presence-list";
import { ConnectionStatus, RoomBanners } from "./room-status";
import { VoiceRecorder } from "./voice-recorder";

/**
 * One live chat room: the state comes from useRoom (app/realtime/room-state.ts is the pure state
 * machine); this file lays out the parts (status, history, composer, presence, moderator tools).
 */

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function untilText(iso: string | null, hydrated: boolean) {
  if (!iso) return "";
  const d = new Date(iso);
  return hydrated ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * `slug`: the room's group, whose members the composer's mention autocomplete suggests (null for a
 * direct conversation). `focusSeq`: opened by a permalink (?at=): that message is focused and highlighted.
 */
export function ChatRoom({ roomId, initial, self, slug, focusSeq = null }: { roomId: string; initial: RoomInitial; self: Self; slug: string | null; focusSeq?: number | null }) {
  const { state, send, retry, discard, loadOlder, setTyping, request, crisisPrompt, dismissCrisisPrompt, setAtBottom, edit, deleteOwn, react, around, loadNewer, jumpToLatest, receive, personalCheck, sendAnyway, dismissPersonalCheck } = useRoom({
    roomId,
    initial,
    self,
  });
  const hydrated = useHydrated();
  const [replyingTo, setReplyingTo] = useState<ChatMessage | null>(null);
  const jump = useJump({ messages: state.messages, around, initial: focusSeq });
  const dividerLabel = unreadText(state);
  // Said once, when the room opens with unread messages (the divider itself stays silent after that).
  const [openingNews, setOpeningNews] = useState("");
  const told = useRef(false);
  useEffect(() => {
    if (told.current || !hydrated || state.dividerAfter === null) return;
    told.current = true;
    if (hasUnread(state)) setOpeningNews(`${dividerLabel} since you last read. They start after the “New messages” line.`);
  }, [hydrated, state, dividerLabel]);
  // Kept in this browser per room and person until the server acks the send (draft.ts).
  const { draft, setDraft } = useChatDraft({ roomId, userId: self.id, pending: state.pending, resend: retry });
  const [action, setAction] = useState<{ kind: ActionKind; message: ChatMessage } | null>(null);
  const [actionStatus, setActionStatus] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const { room, you } = state;
  const canReport = !state.removed;
  const onAction = useCallback((kind: ActionKind, message: ChatMessage) => {
    setActionStatus(null);
    setAction({ kind, message });
  }, []);
  const onPin = useCallback((message: ChatMessage | null) => void request("room:pin", { roomId, messageId: message?.id ?? null }), [request, roomId]);
  const onReply = useCallback((message: ChatMessage) => {
    setReplyingTo(message);
    input.current?.focus();
  }, []);
  const context = useMemo<ChatRoomContextValue>(
    () => ({
      self,
      room: { roomId, groupSlug: slug },
      request,
      canModerate: you.canModerate,
      canReport,
      hydrated,
      pinnedId: room.pinned?.id ?? null,
      onAction,
      onPin,
      onReply,
      jumpTo: jump.jumpTo,
      highlightSeq: jump.highlightSeq,
      edit,
      deleteOwn,
      canReact: you.canSend && !state.removed,
      react,
      blockedIds: you.blockedIds,
    }),
    [self, roomId, slug, request, you.canModerate, canReport, hydrated, room.pinned?.id, onAction, onPin, onReply, jump.jumpTo, jump.highlightSeq, edit, deleteOwn, you.canSend, state.removed, react, you.blockedIds],
  );
  async function onSend(body: string) {
    const replyToId = replyingTo?.id;
    setReplyingTo(null);
    // Sending from a page around an older message: back to the live end first, where the message lands.
    if (state.hasNewer) await jumpToLatest();
    await send(body, replyToId);
  }

  // The personal-data question: the asked text goes back into the box (it was cleared on send).
  useEffect(() => {
    if (personalCheck) setDraft((typed) => typed || personalCheck.body);
  }, [personalCheck, setDraft]);
  function onSendAnyway() {
    if (!personalCheck) return;
    sendAnyway(personalCheck, draft.trim() || personalCheck.body);
    setDraft("");
  }

  const blockedReason = state.removed ?? state.joinError ?? (you.canSend ? null : (you.sendBlockedReason ?? "You can't send messages here."));
  const typists = state.typing;

  async function submitAction(values: { reason: string; minutes: number; details: string }) {
    if (!action) return null;
    const { kind, message } = action;
    const res =
      kind === "delete"
        ? await request("message:delete", { messageId: message.id, reason: values.reason })
        : kind === "mute"
          ? await request("user:mute", { roomId, userId: message.author.id, minutes: values.minutes, reason: values.reason })
          : kind === "ban"
            ? await request("user:ban", { roomId, userId: message.author.id, reason: values.reason })
            : await request("message:report", { messageId: message.id, reason: values.reason as "spam", details: values.details });
    if (!res.ok) return res.error.message;
    setAction(null);
    setActionStatus(
      { delete: "Message deleted.", mute: `${message.author.displayName} is muted.`, ban: `${message.author.displayName} was removed from the room.`, report: "Thank you. The moderators will look at your report." }[kind],
    );
    return null;
  }

  return (
    <ChatRoomProvider value={context}>
    <div className="space-y-4">
      <ConnectionStatus connection={state.connection} />
      {/* New messages and notices are read out politely, without moving focus. */}
      <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="chat-live">
        {state.announcement}
      </div>
      <div aria-live="polite" className="sr-only" data-testid="chat-unread-live">
        {openingNews}
      </div>
      <RoomBanners room={room} notices={state.notices} />

      <div className="grid grid-cols-1 gap-6 md:grid-cols-[minmax(0,1fr)_16rem]">
        <section aria-labelledby="messages-title" className="min-w-0 space-y-3">
          <h2 id="messages-title" className="sr-only">
            Messages
          </h2>
          {state.hasOlder ? (
            <Button variant="secondary" onClick={() => void loadOlder()} disabled={state.loadingOlder || state.connection !== "online"}>
              {state.loadingOlder ? "Loading…" : "Load older messages"}
            </Button>
          ) : (
            <p className="text-sm text-stone-700 dark:text-stone-300">This is the start of the room.</p>
          )}
          <MessageList
            messages={state.messages}
            pending={state.pending}
            self={self}
            dividerAfter={state.dividerAfter}
            dividerLabel={dividerLabel}
            onAtBottom={setAtBottom}
            onRetry={(p) => void retry(p)}
            onDiscard={(p) => discard(p.clientId)}
            onEdit={(p) => {
              setDraft(p.body);
              discard(p.clientId);
              input.current?.focus();
            }}
          />
          {state.hasNewer ? (
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => void loadNewer()} disabled={state.connection !== "online"}>
                Load newer messages
              </Button>
              <Button onClick={() => void jumpToLatest().then((ok) => ok && jump.clear())} disabled={state.connection !== "online"}>
                Jump to latest
              </Button>
            </div>
          ) : null}
          <p className="min-h-6 text-base text-stone-700 dark:text-stone-300" data-testid="typing">
            {typists.length === 1 ? `${typists[0]!.displayName} is typing…` : typists.length > 1 ? `${typists.length} people are typing…` : ""}
          </p>
          {action ? (
            <ActionForm
              key={`${action.kind}-${action.message.id}`}
              kind={action.kind}
              message={action.message}
              onCancel={() => setAction(null)}
              onSubmit={submitAction}
            />
          ) : null}
          <p role="status">{actionStatus}</p>
          {crisisPrompt ? <CrisisPrompt onDismiss={dismissCrisisPrompt} /> : null}
          {you.mutedUntil && !you.canSend && hydrated ? (
            <p className="sr-only">Muted until {untilText(you.mutedUntil, hydrated)}.</p>
          ) : null}
          {replyingTo ? <ReplyingTo message={replyingTo} onCancel={() => { setReplyingTo(null); input.current?.focus(); }} /> : null}
          <Composer
            blockedReason={blockedReason}
            onSend={(b) => void onSend(b)}
            onTyping={setTyping}
            draft={draft}
            setDraft={setDraft}
            inputRef={input}
            slug={slug}
            personalCheck={personalCheck}
            onSendAnyway={onSendAnyway}
            onEditPersonal={dismissPersonalCheck}
          />
          <VoiceRecorder roomId={roomId} disabled={blockedReason !== null} onSent={receive} />
        </section>

        <aside className="space-y-4" aria-label="About this room">
          <PresenceList presence={state.presence} selfId={self.id} />
          {you.canModerate ? <ModeratorTools key={`${room.locked}-${room.slowModeSeconds}`} room={room} request={request} /> : null}
        </aside>
      </div>
    </div>
    </ChatRoomProvider>
  );
}
