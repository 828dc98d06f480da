import { getTextareaProps, type FieldMetadata } from "@conform-to/react";
import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type TextareaHTMLAttributes } from "react";
import { mentionQueryAt, mentionSyntax } from "#app/lib/mentions";
import { FieldShell, hasErrors, inputClass } from "./field";

/**
 * A textarea with an @mention autocomplete (the WAI-ARIA combobox pattern, on a textarea: a
 * textarea may not take role="combobox", so it keeps its textbox role and carries
 * aria-autocomplete, aria-controls and aria-activedescendant). Typing "@" and a letter lists up to 8
 * of the group's members (fetched, debounced, from /groups/<slug>/mention-candidates, which asks the
 * policy); Up/Down move, Enter or Tab inserts, Escape closes. Focus never leaves the textarea, and a
 * polite live region says how many suggestions there are. Without JavaScript it is a plain textarea:
 * typed "@Name" and "@[Display Name]" are parsed on the server all the same.
 */

interface Candidate {
  id: string;
  displayName: string;
}

const DEBOUNCE_MS = 200;

type Props = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  /** The group whose members are suggested; null: no suggestions (a direct conversation has no group). */
  slug: string | null;
};

export const MentionTextarea = forwardRef<HTMLTextAreaElement, Props>(function MentionTextarea({ slug, onKeyDown, onChange, onBlur, className, ...props }, ref) {
  const inner = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(ref, () => inner.current!, []);
  const listId = useId();
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [options, setOptions] = useState<Candidate[]>([]);
  const [active, setActive] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const open = query !== null && options.length > 0;

  // Debounced fetch for the query being typed; a newer query aborts the older request.
  useEffect(() => {
    if (!query || query.query.length === 0 || slug === null) {
      setOptions([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/groups/${encodeURIComponent(slug ?? "")}/mention-candidates?q=${encodeURIComponent(query.query)}`, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? (r.json() as Promise<{ members: Candidate[] }>) : { members: [] }))
        .then(({ members }) => {
          setOptions(members);
          setActive(0);
          setAnnouncement(members.length === 0 ? "No matching members" : members.length === 1 ? "1 suggestion" : `${members.length} suggestions`);
        })
        .catch(() => {}); // aborted or offline: no suggestions, the textarea works as before
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query?.query, slug]); // eslint-disable-line react-hooks/exhaustive-deps -- only the text typed matters, not where

  function track(el: HTMLTextAreaElement) {
    const q = el.selectionStart === el.selectionEnd ? mentionQueryAt(el.value, el.selectionStart) : null;
    setQuery(q);
    if (!q) setAnnouncement("");
  }

  function close() {
    setQuery(null);
    setOptions([]);
    setAnnouncement("");
  }

  function pick(c: Candidate) {
    const el = inner.current;
    if (!el || !query) return;
    el.focus();
    // setRangeText + an input event: React (controlled) and Conform (uncontrolled) both see the change.
    el.setRangeText(`${mentionSyntax(c.displayName)} `, query.start, el.selectionStart, "end");
    el.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    setAnnouncement(`Inserted ${c.displayName}`);
  }

  function keyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (open && !e.nativeEvent.isComposing) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setActive((i) => (i + step + options.length) % options.length);
        return;
      }
      // Enter picks (it never sends the chat message or submits while the list is open).
      if ((e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey) || (e.key === "Tab" && !e.shiftKey)) {
        e.preventDefault();
        pick(options[active] ?? options[0]!);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close();
        return;
      }
    }
    onKeyDown?.(e);
  }

  const activeId = open ? `${listId}-${active}` : undefined;
  return (
    <div className="relative">
      <textarea
        {...props}
        ref={inner}
        className={className}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={activeId}
        onChange={(e) => {
          onChange?.(e);
          track(e.currentTarget);
        }}
        onKeyDown={keyDown}
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") track(e.currentTarget);
        }}
        onClick={(e) => track(e.currentTarget)}
        onBlur={(e) => {
          onBlur?.(e);
          close();
        }}
      />
      {open ? (
        <ul
          id={listId}
          role="listbox"
          aria-label="Members to mention"
          className="absolute left-0 right-0 z-20 mt-1 max-h-96 overflow-y-auto rounded-lg border-2 border-stone-600 bg-white py-1 shadow-lg dark:border-stone-300 dark:bg-stone-800"
        >
          {options.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              // mousedown, not click: the textarea keeps focus (and its caret) while picking.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
              onMouseEnter={() => setActive(i)}
              className={`flex min-h-11 cursor-pointer items-center break-words px-3 text-lg ${
                i === active ? "bg-amber-200 font-semibold text-stone-950 outline outline-2 outline-stone-900 dark:bg-amber-300 dark:text-stone-950" : "text-stone-900 dark:text-stone-50"
              }`}
            >
              @{c.displayName}
            </li>
          ))}
        </ul>
      ) : null}
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </div>
  );
});

/** TextareaField (components/ui/field.tsx) with the mention autocomplete: forum composers. */
export function MentionTextareaField({ label, meta, hint, rows = 8, slug }: { label: string; meta: FieldMetadata<string>; hint?: string; rows?: number; slug: string }) {
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: hint ? meta.descriptionId : undefined });
  return (
    <FieldShell label={label} meta={meta} hint={hint}>
      <MentionTextarea key={key} {...props} slug={slug} rows={rows} className={inputClass(hasErrors(meta))} />
    </FieldShell>
  );
}

/** The hint under composers that know mentions. */
export const MENTION_HINT = "Type @ and a name to mention a member of this group.";
