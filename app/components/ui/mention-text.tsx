import { splitMentions } from "#app/lib/mentions";

/**
 * Plain text (a chat message) with its @mentions styled like the forum's (class "mention",
 * tailwind.css). Text only: React escapes it, so a message can never become markup.
 */
export function MentionText({ text }: { text: string }) {
  return (
    <>
      {splitMentions(text).map((part, i) =>
        "mention" in part ? (
          <span key={i} className="mention">
            @{part.mention}
          </span>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
