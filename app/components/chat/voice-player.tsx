import { useId, useRef, useState } from "react";
import { MentionText } from "#app/components/ui/mention-text";
import type { ChatMessage } from "#app/realtime/events";
import { VOICE_SPEEDS, voiceClock, voiceDurationText } from "#app/modules/chat/voice.schema";

/**
 * A voice note in the room's list: the browser's own audio controls (keyboard operable, seekable:
 * the file is served with Range support), a speed choice, its length as text, and the author's
 * short note below. The audio is fetched only when played (preload="metadata").
 */
export function VoicePlayer({ message }: { message: ChatMessage }) {
  const id = useId();
  const audio = useRef<HTMLAudioElement>(null);
  const [speed, setSpeed] = useState(1);
  const voice = message.voice;
  if (!voice) {
    // The author's account was deleted: a recording can't be anonymised, so its file is gone.
    return <p className="italic text-stone-700 dark:text-stone-300">This voice note is no longer available.</p>;
  }
  const label = `Voice note from ${message.author.displayName}, ${voiceDurationText(voice.durationMs)}`;
  return (
    <div className="space-y-2" data-testid="voice-note">
      <p className="text-base">
        <span aria-hidden="true">🎙 </span>Voice note, <span data-testid="voice-duration">{voiceClock(voice.durationMs)}</span>
        <span className="sr-only"> ({voiceDurationText(voice.durationMs)})</span>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <audio
          ref={audio}
          controls
          preload="metadata"
          src={voice.url}
          aria-label={label}
          className="min-h-11 w-full max-w-md"
          onLoadedMetadata={(e) => {
            e.currentTarget.playbackRate = speed;
          }}
        >
          <a href={voice.url}>Download the voice note</a>
        </audio>
        <div className="flex items-center gap-2">
          <label htmlFor={`${id}-speed`} className="text-base font-semibold">
            Speed
          </label>
          <select
            id={`${id}-speed`}
            value={speed}
            onChange={(e) => {
              const value = Number(e.target.value);
              setSpeed(value);
              if (audio.current) audio.current.playbackRate = value;
            }}
            className="min-h-11 min-w-11 rounded-lg border-2 border-stone-500 bg-white px-2 text-base text-stone-900 dark:bg-stone-800 dark:text-stone-50"
          >
            {VOICE_SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </div>
      </div>
      {message.body ? (
        <p className="whitespace-pre-wrap break-words text-lg">
          <MentionText text={message.body} />
        </p>
      ) : null}
    </div>
  );
}
