import { useRef, useState } from "react";
import { Button } from "#app/components/ui/button";
import { MentionText } from "#app/components/ui/mention-text";
import { StaffBadge } from "#app/components/ui/staff-badge";
import { messageAnchor } from "#app/lib/chat-links";
import type { ChatMessage } from "#app/realtime/events";
import { CopyLinkButton, DeleteOwnConfirm, EditOwnForm, EarlierVersions, ReplyQuote } from "./own-message";
import { Reactions } from "./reactions";
import { useChatRoom } from "./room-context";
import { BlockAuthorLink, CollapsedMessage, useBlockedMessage } from "./blocked-message";
import { VoicePlayer } from "./voice-player";
import { HiddenNotice } from "#app/components/moderation/hidden-notice";
import { MovedNote, MoveToForumLink, SystemLine } from "./system-line";

/** Local time once hydrated (the server doesn't know the reader's zone); UTC before that. */
export function Time({ iso, hydrated, className = "text-sm text-stone-700 dark:text-stone-300" }: { iso: string; hydrated: boolean; className?: string }) {
  const d = new Date(iso);
  const text = hydrated
    ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
    : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return (
    <time dateTime={iso} className={className}>
      {text}
    </time>
  );
}

/** What the message is, shown in the list: the body for text (other kinds add their own branch here). */
function MessageBody({ message }: { message: ChatMessage }) {
  if (message.deleted) {
    return (
      <p className="italic text-stone-700 dark:text-stone-300">
        {message.deleted.byAuthor ? "Message deleted by its author." : "Message deleted by a moderator."}
      </p>
    );
  }
  // Auto-hidden: readers get the notice only (no body reaches them); moderators get the body with it.
  if (message.hidden && !message.body && !message.voice) return <HiddenNotice />;
  const content =
    message.kind === "voice" ? (
      <VoicePlayer message={message} />
    ) : (
      // {/* system: the line the app left (kind "system") */}
      <p className="whitespace-pre-wrap break-words text-lg">
        <MentionText text={message.body} />
      </p>
    );
  return message.hidden ? <HiddenNotice>{content}</HiddenNotice> : content;
}

type Mode = "view" | "edit" | "delete" | "versions";

/**
 * One message in the room's list. Stable spots for features: the body (MessageBody), reactions
 * below it, the action menu. What every message needs comes from ChatRoomContext (room-context.tsx).
 */
export function MessageItem({ message }: { message: ChatMessage }) {
  const { self, room, canModerate, canReport, hydrated, pinnedId, onAction, onPin, onReply, highlightSeq } = useChatRoom();
  const [mode, setModeState] = useState<Mode>("view");
  const menu = useRef<HTMLDetailsElement>(null);
  // Choosing an action closes the menu: the form or confirmation takes its place.
  const setMode = (next: Mode) => {
    if (next !== "view" && menu.current) menu.current.open = false;
    setModeState(next);
  };
  const own = message.author.id === self.id;
  const pinned = pinnedId === message.id;
  const live = !message.deleted;
  const highlighted = highlightSeq === message.seq;
  const blocked = useBlockedMessage(message);
  if (message.kind === "system") return <SystemLine message={message} />;
  if (blocked.collapsed) return <CollapsedMessage message={message} toggle={blocked.toggle} />;
  return (
    <li
      id={messageAnchor(message.seq)}
      tabIndex={-1}
      className={`border-b border-stone-200 py-3 focus:outline-none focus-visible:ring-4 focus-visible:ring-brand-700 dark:border-stone-700 ${
        highlighted ? "bg-amber-100 motion-safe:transition-colors dark:bg-stone-700" : ""
      }`}
      data-seq={message.seq}
      data-testid="chat-message"
      data-highlighted={highlighted ? "true" : undefined}
    >
      {blocked.toggle}
      <div className="flex flex-wrap items-baseline gap-x-3">
        <span className="font-semibold">{message.author.displayName}</span>
        <StaffBadge role={message.author.staff} />
        <Time iso={message.createdAt} hydrated={hydrated} />
        {message.editedAt && live ? (
          <span className="text-sm text-stone-700 dark:text-stone-300" data-testid="chat-edited">
            (edited<span className="sr-only"> <Time iso={message.editedAt} hydrated={hydrated} className="" /></span>)
          </span>
        ) : null}
        {pinned ? <span className="text-sm font-semibold text-brand-800 dark:text-brand-100">Pinned</span> : null}
      </div>
      {message.replyTo ? <ReplyQuote quote={message.replyTo} /> : null}
      {mode === "edit" && live ? <EditOwnForm message={message} onDone={() => setMode("view")} /> : <MessageBody message={message} />}
      <MovedNote message={message} />
      {live ? <Reactions message={message} /> : null}
      {mode === "delete" && live ? <DeleteOwnConfirm message={message} onDone={() => setMode("view")} /> : null}
      {mode === "versions" ? <EarlierVersions message={message} onClose={() => setMode("view")} /> : null}
      {live ? (
        <details ref={menu} className="mt-1">
          <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg px-2 text-base text-brand-800 underline underline-offset-2 dark:text-brand-100">
            Options<span className="sr-only"> for the message from {message.author.displayName}</span>
          </summary>
          <div className="mt-2 flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => onReply(message)}>
              Reply<span className="sr-only"> to {message.author.displayName}</span>
            </Button>
            <CopyLinkButton message={message} />
            {own ? (
              <>
                <Button variant="secondary" onClick={() => setMode("edit")}>
                  Edit
                </Button>
                <Button variant="danger" onClick={() => setMode("delete")}>
                  Delete
                </Button>
              </>
            ) : null}
            {!own ? <BlockAuthorLink message={message} /> : null}
            {canReport && !own ? (
              <Button variant="secondary" onClick={() => onAction("report", message)}>
                Report
              </Button>
            ) : null}
            {canModerate ? (
              <>
                {message.editedAt ? (
                  <Button variant="secondary" onClick={() => setMode("versions")}>
                    Show earlier versions
                  </Button>
                ) : null}
                {!own ? (
                  <Button variant="danger" onClick={() => onAction("delete", message)}>
                    Delete
                  </Button>
                ) : null}
                <Button variant="secondary" onClick={() => onPin(pinned ? null : message)}>
                  {pinned ? "Unpin" : "Pin"}
                </Button>
                <MoveToForumLink message={message} room={room} />
                {!own ? (
                  <>
                    <Button variant="secondary" onClick={() => onAction("mute", message)}>
                      Mute {message.author.displayName}
                    </Button>
                    <Button variant="secondary" onClick={() => onAction("ban", message)}>
                      Remove {message.author.displayName} from room
                    </Button>
                  </>
                ) : null}
              </>
            ) : null}
          </div>
        </details>
      ) : null}
    </li>
  );
}
