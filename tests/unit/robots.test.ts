import { describe, expect, it } from "vitest";
import { isIndexable, robotsHeader, ROBOTS_TXT } from "#app/lib/robots";

describe("isIndexable", () => {
  it("allows only the home page, the group directory and the library", () => {
    for (const p of ["/", "/groups", "/groups/", "/library", "/library/", "/library/abc123"]) expect(isIndexable(p), p).toBe(true);
  });
  it("keeps every group page, thread, chat and account page out", () => {
    const closed = [
      "/groups/cervical-dystonia",
      "/groups/cervical-dystonia/forum",
      "/groups/cervical-dystonia/forum/t1",
      "/groups/cervical-dystonia/chat/r1",
      "/groups/cervical-dystonia/members",
      "/messages",
      "/messages/abc",
      "/members/u1",
      "/moderation",
      "/settings",
      "/settings/profile",
      "/notifications",
      "/search",
      "/events",
      "/events/e1",
      "/login",
      "/signup",
      "/organizations/org",
      "/library/abc/edit",
      "/libraryx",
      "//groups",
    ];
    for (const p of closed) expect(isIndexable(p), p).toBe(false);
  });
});

/** Google's matching (longest match wins, Allow wins a tie, `$` anchors the end), for checking ROBOTS_TXT. */
function googleAllows(txt: string, path: string): boolean {
  let best = { len: -1, allow: true };
  for (const line of txt.split("\n")) {
    const m = /^(Allow|Disallow):\s*(\S*)$/.exec(line);
    if (!m) continue;
    const pattern = m[2]!;
    const anchored = pattern.endsWith("$");
    const body = anchored ? pattern.slice(0, -1) : pattern;
    const matches = anchored ? path === body : path.startsWith(body);
    if (!matches) continue;
    const allow = m[1] === "Allow";
    if (body.length > best.len || (body.length === best.len && allow)) best = { len: body.length, allow };
  }
  return best.allow;
}

describe("robots.txt", () => {
  it("is for every crawler and lets them reach only what isIndexable allows", () => {
    expect(ROBOTS_TXT.startsWith("User-agent: *\n")).toBe(true);
    for (const p of ["/", "/groups", "/library", "/library/abc123"]) expect(googleAllows(ROBOTS_TXT, p), p).toBe(true);
    for (const p of ["/groups/cervical-dystonia", "/groups/cervical-dystonia/forum/t1", "/groups?q=x", "/messages", "/members/u1", "/search?q=pain", "/events", "/settings"]) {
      expect(googleAllows(ROBOTS_TXT, p), p).toBe(false);
    }
  });
});

describe("robotsHeader", () => {
  function run(path: string, status: number) {
    const headers = new Map<string, string>();
    const res = {
      statusCode: status,
      setHeader: (n: string, v: string) => headers.set(n.toLowerCase(), v),
      writeHead: (s: number) => {
        res.statusCode = s;
        return res;
      },
    };
    robotsHeader()({ path }, res, () => {});
    res.writeHead(status);
    return headers.get("x-robots-tag") ?? null;
  }
  it("says noindex on a group page and an account page whatever the status", () => {
    expect(run("/groups/g/forum/t", 200)).toBe("noindex");
    expect(run("/groups/g/forum/t", 404)).toBe("noindex");
    expect(run("/settings", 302)).toBe("noindex");
  });
  it("leaves the home, directory and library pages indexable, but not their error answers", () => {
    expect(run("/", 200)).toBeNull();
    expect(run("/groups", 200)).toBeNull();
    expect(run("/library/abc", 200)).toBeNull();
    expect(run("/library/abc", 404)).toBe("noindex");
  });
});
