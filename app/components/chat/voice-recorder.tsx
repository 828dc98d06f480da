import { useEffect, useId, useRef, useState } from "react";
import { PersonalDataCheck, roomQuestion } from "#app/components/personal-data-check";
import { Button, buttonClass } from "#app/components/ui/button";
import { chatVoiceUploadUrl } from "#app/lib/chat-links";
import type { ChatMessage } from "#app/realtime/events";
import { MAX_MESSAGE_CHARS } from "#app/modules/chat/chat.schema";
import { VOICE_BITS_PER_SECOND, VOICE_MAX_MS, VOICE_RECORDER_TYPES, voiceClock, voiceDurationText } from "#app/modules/chat/voice.schema";

/**
 * Recording a voice note, for people for whom typing is hard: one large toggle (press to start,
 * press again to stop; no holding, no dragging, no countdown to beat). Recording stops by itself at
 * two minutes with a calm message. Then: listen, add an optional short note, send or discard. The
 * file goes over HTTP (POST chatVoiceUploadUrl); the stored message comes back and is shown at once.
 */

type Recorded = { blob: Blob; url: string; mime: string; durationMs: number; clientId: string };
type Phase = { kind: "idle" } | { kind: "starting" } | { kind: "recording"; startedAt: number } | { kind: "recorded"; take: Recorded } | { kind: "sending"; take: Recorded };

function newClientId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** The first Opus container this browser's MediaRecorder can write, or null. */
function recorderType(): string | null {
  if (typeof MediaRecorder === "undefined" || typeof MediaRecorder.isTypeSupported !== "function") return null;
  return VOICE_RECORDER_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? null;
}

function microphoneProblem(e: unknown): string {
  const name = e instanceof DOMException ? e.name : "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return "The browser was not allowed to use the microphone. You can allow it in the browser's settings for this site, then press “Record a voice note” again.";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "No microphone was found. Please connect one and try again, or type a message instead.";
  if (name === "NotReadableError") return "The microphone is in use by another program or could not be started. Please close that program and try again.";
  return "The microphone could not be started. You can type a message instead.";
}

/** `question`: the server asks first (the note looks like personal information, HTTP 422). */
type UploadResult = { ok: boolean; message: string; sent?: { message: ChatMessage }; question?: boolean };

/** The upload's JSON answer, or null when there was none (offline, or not JSON). */
async function upload(roomId: string, form: FormData): Promise<UploadResult | null> {
  try {
    const res = await fetch(chatVoiceUploadUrl(roomId), { method: "POST", body: form, credentials: "same-origin", headers: { Accept: "application/json" } });
    return { ...((await res.json()) as UploadResult), question: res.status === 422 };
  } catch {
    return null;
  }
}

export function VoiceRecorder({ roomId, disabled, onSent }: { roomId: string; disabled: boolean; onSent: (message: ChatMessage) => void }) {
  const id = useId();
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [elapsed, setElapsed] = useState(0);
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  /** The server's personal-data question about the note, until answered. */
  const [question, setQuestion] = useState<string | null>(null);
  /** Said to screen readers: start, every 30 seconds, stop (not every tick). */
  const [spoken, setSpoken] = useState("");
  const recorder = useRef<MediaRecorder | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const chunks = useRef<Blob[]>([]);
  const stopReason = useRef<"pressed" | "limit">("pressed");
  const toggle = useRef<HTMLButtonElement>(null);
  const noteField = useRef<HTMLTextAreaElement>(null);
  const recording = phase.kind === "recording";
  const take = phase.kind === "recorded" || phase.kind === "sending" ? phase.take : null;

  // The clock while recording, and the automatic stop at the limit.
  useEffect(() => {
    if (phase.kind !== "recording") return;
    const tick = () => {
      const ms = Date.now() - phase.startedAt;
      setElapsed(ms);
      const seconds = Math.floor(ms / 1000);
      if (seconds > 0 && seconds % 30 === 0) setSpoken(`${voiceDurationText(seconds * 1000)} recorded.`);
      if (ms >= VOICE_MAX_MS) {
        stopReason.current = "limit";
        recorder.current?.stop();
      }
    };
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [phase]);

  // Back to the toggle after a send or a discard, once it is rendered again (the buttons that had focus are gone).
  const refocus = useRef(false);
  useEffect(() => {
    if (phase.kind !== "idle" || !refocus.current) return;
    refocus.current = false;
    toggle.current?.focus();
  }, [phase]);

  // Leaving the room while recording: the microphone is released and the preview's memory freed.
  useEffect(() => () => stopStream(), []);
  useEffect(() => {
    if (!take) return;
    return () => URL.revokeObjectURL(take.url);
  }, [take]);

  function stopStream() {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
  }

  async function start() {
    setProblem(null);
    const type = recorderType();
    if (!type || !navigator.mediaDevices?.getUserMedia) {
      setProblem("This browser can't record voice notes (it has no Opus audio recorder). You can type a message instead.");
      return;
    }
    setPhase({ kind: "starting" });
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      setPhase({ kind: "idle" });
      setProblem(microphoneProblem(e));
      return;
    }
    stream.current = media;
    chunks.current = [];
    stopReason.current = "pressed";
    const rec = new MediaRecorder(media, { mimeType: type, audioBitsPerSecond: VOICE_BITS_PER_SECOND });
    recorder.current = rec;
    const startedAt = Date.now();
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.current.push(e.data);
    };
    rec.onstop = () => {
      stopStream();
      const durationMs = Math.min(Date.now() - startedAt, VOICE_MAX_MS);
      const mime = type.split(";")[0]!;
      const blob = new Blob(chunks.current, { type: mime });
      chunks.current = [];
      recorder.current = null;
      const atLimit = stopReason.current === "limit";
      setPhase({ kind: "recorded", take: { blob, url: URL.createObjectURL(blob), mime, durationMs, clientId: newClientId() } });
      setSpoken(
        atLimit
          ? "Recording stopped at the two-minute limit. Your voice note is kept: you can listen to it, add a note, and send it."
          : `Recording stopped: ${voiceDurationText(durationMs)}. You can listen to it, add a note, and send it.`,
      );
      requestAnimationFrame(() => noteField.current?.focus());
    };
    rec.start(1000);
    setElapsed(0);
    setPhase({ kind: "recording", startedAt });
    setSpoken("Recording. Press “Stop recording” when you are done.");
  }

  function stop() {
    stopReason.current = "pressed";
    recorder.current?.stop();
  }

  function discard() {
    setPhase({ kind: "idle" });
    setNote("");
    setProblem(null);
    setSpoken("Voice note discarded.");
    refocus.current = true;
  }

  async function sendTake(confirmPersonal = false) {
    if (!take) return;
    if (note.length > MAX_MESSAGE_CHARS) return setProblem(`A note can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters.`);
    setProblem(null);
    setQuestion(null);
    setPhase({ kind: "sending", take });
    const form = new FormData();
    // The same clientId on a retry: the server answers with the stored note instead of a second one.
    form.append("clientId", take.clientId);
    form.append("note", note);
    if (confirmPersonal) form.append("confirmPersonal", "1");
    form.append("audio", take.blob, `voice-note.${take.mime === "audio/ogg" ? "ogg" : "webm"}`);
    const result = await upload(roomId, form);
    if (result?.ok && result.sent) {
      refocus.current = true;
      setPhase({ kind: "idle" });
      onSent(result.sent.message);
      setNote("");
      setSpoken("Voice note sent.");
    } else if (result?.question) {
      setPhase({ kind: "recorded", take });
      setQuestion(roomQuestion(note, result.message));
    } else {
      setPhase({ kind: "recorded", take });
      setProblem(`Not sent: ${result?.message ?? "no answer from the server. Your recording is kept; press “Send voice note” to try again."}`);
    }
  }

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600" data-testid="voice-recorder">
      <h3 id={`${id}-title`} className="text-base font-semibold">
        Voice note
      </h3>
      <p id={`${id}-hint`} className="text-sm text-stone-700 dark:text-stone-300">
        Press once to start and once to stop; up to {voiceDurationText(VOICE_MAX_MS)}. Nothing is sent until you choose “Send voice note”.
      </p>
      {take === null ? (
        <div className="flex flex-wrap items-center gap-3">
          <button
            ref={toggle}
            type="button"
            aria-pressed={recording}
            aria-describedby={`${id}-hint`}
            // Not disabled while the microphone starts: a disabled button would lose the keyboard focus.
            disabled={disabled}
            onClick={() => (recording ? stop() : phase.kind === "idle" ? void start() : undefined)}
            className={buttonClass(recording ? "danger" : "secondary", "min-h-14 px-6 text-lg")}
          >
            {recording ? (
              <>
                <span aria-hidden="true" className="inline-block h-3 w-3 rounded-full bg-white motion-safe:animate-pulse" />
                Stop recording
              </>
            ) : (
              "Record a voice note"
            )}
          </button>
          {recording ? (
            <p className="text-lg tabular-nums" data-testid="voice-elapsed">
              Recording: {voiceClock(elapsed)} of {voiceClock(VOICE_MAX_MS)}
            </p>
          ) : null}
        </div>
      ) : (
        <div className="space-y-3">
          <p className="text-base">Your voice note ({voiceDurationText(take.durationMs)}). Listen to it before sending if you like:</p>
          <audio controls src={take.url} className="min-h-11 w-full max-w-md" aria-label="Your recorded voice note" data-testid="voice-preview" />
          <div className="space-y-1">
            <label htmlFor={`${id}-note`} className="block text-base font-semibold">
              Note (optional)
            </label>
            <textarea
              ref={noteField}
              id={`${id}-note`}
              rows={2}
              maxLength={MAX_MESSAGE_CHARS}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className="w-full rounded-lg border-2 border-stone-500 bg-white p-3 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
            />
          </div>
          {question ? (
            <PersonalDataCheck
              message={question}
              textareaId={`${id}-note`}
              confirmLabel="Send anyway"
              editLabel="Edit my note"
              onConfirm={() => void sendTake(true)}
              onEdit={() => setQuestion(null)}
              busy={phase.kind === "sending"}
            />
          ) : null}
          <div className="flex flex-wrap gap-3">
            <Button onClick={() => void sendTake()} disabled={phase.kind === "sending" || disabled}>
              {phase.kind === "sending" ? "Sending…" : "Send voice note"}
            </Button>
            <Button variant="secondary" onClick={discard} disabled={phase.kind === "sending"}>
              Discard
            </Button>
          </div>
        </div>
      )}
      {/* Only while there is a problem: an always-present alert would be one more for the page's other alerts. */}
      {problem ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-300" data-testid="voice-problem">
          {problem}
        </p>
      ) : null}
      <p aria-live="polite" className="sr-only" data-testid="voice-live">
        {spoken}
      </p>
    </section>
  );
}
