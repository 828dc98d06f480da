import { describe, expect, it } from "vitest";
import { buildFeed, safeLink, type FeedNotice } from "#app/modules/notifications/feed";

const NOW = new Date("2026-06-15T12:00:00Z");
let n = 0;
const notice = (over: Partial<FeedNotice> = {}): FeedNotice => ({
  id: `n${++n}`,
  kind: "reply",
  title: "Ann replied in “Sleep and spasms”",
  body: "",
  link: "/groups/g/forum/t1#post-1",
  urgent: false,
  count: 1,
  createdAt: new Date(NOW.getTime() - n * 60_000),
  readAt: null,
  ...over,
});

describe("the notifications page's lines", () => {
  it("folds only consecutive notices of one kind about one place; urgent ones stand alone", () => {
    const days = buildFeed(
      [
        notice({ link: "/groups/g/forum/t1#post-3" }),
        notice({ link: "/groups/g/forum/t1#post-2" }),
        notice({ kind: "mention", title: "Ben mentioned you in “Sleep and spasms”" }),
        notice({ link: "/groups/g/forum/t1#post-1" }),
        notice({ kind: "report", title: "Urgent: a crisis report in G", link: "/moderation#a", urgent: true }),
        notice({ kind: "report", title: "Urgent: a crisis report in G", link: "/moderation#a", urgent: true }),
      ],
      NOW,
      "UTC",
    );
    expect(days.map((d) => d.label)).toEqual(["Today"]);
    expect(days[0]!.lines.map((l) => [l.title, l.ids.length])).toEqual([
      ["2 new replies in “Sleep and spasms”", 2],
      ["Ben mentioned you in “Sleep and spasms”", 1],
      ["Ann replied in “Sleep and spasms”", 1],
      ["Urgent: a crisis report in G", 1],
      ["Urgent: a crisis report in G", 1],
    ]);
  });

  it("counts batched rows, starts at the oldest unread, and is read only when every part is", () => {
    const [line] = buildFeed(
      [
        notice({ kind: "reaction", title: "3 people reacted", link: "/x#a", count: 3, readAt: NOW }),
        notice({ kind: "reaction", title: "1 person reacted", link: "/x#b" }),
        notice({ kind: "reaction", title: "1 person reacted", link: "/x#c", readAt: NOW }),
      ],
      NOW,
      "UTC",
    )[0]!.lines;
    expect(line).toMatchObject({ title: "5 reactions: the latest, 3 people reacted", unread: true, link: "/x#b" });
  });

  it("never links outside the app", () => {
    expect(["/ok", "//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", null].map(safeLink)).toEqual(["/ok", null, null, null, null, null]);
    expect(buildFeed([notice({ link: "https://evil.example" })], NOW, "UTC")[0]!.lines[0]!.link).toBeNull();
  });
});
