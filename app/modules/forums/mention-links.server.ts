import { and, inArray, isNull, sql } from "drizzle-orm";
import { users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { mentionKey, parseMentions } from "#app/lib/mentions";
import type { Actor } from "#app/policy.server";
import { profileHref, profileOpensInGroupSql } from "#app/modules/accounts/profile.server";

/**
 * Mentions in rendered posts (markdown.server.ts makes each a <span class="mention">) become links
 * to the member's profile where the policy (profile.view) lets this viewer open it, and stay plain
 * styled text otherwise: unknown names, deleted accounts, hidden profiles. One query for a page of
 * posts, none when no post mentions anyone. Runs after sanitizing: only hrefs built here are added.
 */
const SPAN = /<span class="mention">@([^<]{1,200})<\/span>/g;
const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const MAX_NAMES = 500;

export async function mentionLinker(
  app: AppContext,
  viewer: Actor | null,
  groupId: string,
  viewerInGroup: boolean,
  bodies: readonly string[],
): Promise<(html: string) => string> {
  const keys = [...new Set(bodies.flatMap((b) => parseMentions(b)))].slice(0, MAX_NAMES);
  if (!viewer || keys.length === 0) return (html) => html;
  const rows = await app.db
    .select({ id: users.id, name: users.displayName, opens: profileOpensInGroupSql(groupId) })
    .from(users)
    .where(and(inArray(sql<string>`lower(${users.displayName})`, keys), isNull(users.deletedAt)));
  const hrefs = new Map<string, string>();
  for (const r of rows) {
    const href = profileHref(viewer, r.id, r.opens, viewerInGroup);
    if (href) hrefs.set(mentionKey(r.name), href);
  }
  if (hrefs.size === 0) return (html) => html;
  return (html) =>
    html.replace(SPAN, (span, escaped: string) => {
      const href = hrefs.get(mentionKey(escaped.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!)));
      return href ? `<a class="mention" href="${href}">@${escaped}</a>` : span;
    });
}
