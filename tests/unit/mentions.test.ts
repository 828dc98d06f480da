import { describe, expect, it } from "vitest";
import { renderMarkdown } from "#app/lib/markdown.server";
import { MENTION_MAX, mentionKey, mentionQueryAt, mentionSyntax, parseMentions, splitMentions } from "#app/lib/mentions";

describe("parseMentions", () => {
  it("finds bracketed names with spaces and bare names, distinct and case-insensitive", () => {
    expect(parseMentions("Thanks @[Member abc12] and @Sam, also @sam again.")).toEqual(["member abc12", "sam"]);
  });

  it("drops sentence punctuation after a bare name and normalises spacing inside brackets", () => {
    expect(parseMentions("Ask @Alex. Or @Robin-")).toEqual(["alex", "robin"]);
    expect(parseMentions("@[  Member   abc12 ]")).toEqual(["member abc12"]);
  });

  it("is not fooled by e-mail addresses, doubled @ or names run into words", () => {
    expect(parseMentions("write to me@example.org or x@@Sam or foo@Sam")).toEqual([]);
  });

  it("ignores names outside the display-name rules (too short, too long, markup, invisible or RTL characters)", () => {
    expect(parseMentions("@ab @[x] @[<img src=x onerror=alert(1)>] @[Sa\u200Bm] @[\u202EmaS]")).toEqual([]);
    expect(parseMentions(`@${"a".repeat(33)}`)).toEqual([]);
    expect(parseMentions(`@[${"a".repeat(33)}]`)).toEqual([]);
  });

  it("caps the distinct mentions at MENTION_MAX", () => {
    const text = Array.from({ length: 50 }, (_, i) => `@member${i}`).join(" ");
    expect(parseMentions(text)).toHaveLength(MENTION_MAX);
  });

  it("survives hostile volume: 10,000 @ signs and 10,000 brackets, quickly", () => {
    const started = performance.now();
    expect(parseMentions("@".repeat(10_000))).toEqual([]);
    expect(parseMentions("@[".repeat(10_000))).toEqual([]);
    expect(parseMentions("@a".repeat(10_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("NFKC-normalises, so a full-width name is the same key as the plain one", () => {
    expect(mentionKey("Ｓａｍ")).toBe("sam");
    expect(parseMentions("@Ｓａｍ")).toEqual(["sam"]);
  });
});

describe("splitMentions", () => {
  it("splits chat text into text and mentions, keeping every character", () => {
    const text = "hi @[Member abc12], see you @Sam!";
    const parts = splitMentions(text);
    expect(parts).toEqual([{ text: "hi " }, { mention: "Member abc12", raw: "@[Member abc12]" }, { text: ", see you " }, { mention: "Sam", raw: "@Sam" }, { text: "!" }]);
    expect(parts.map((p) => ("text" in p ? p.text : p.raw)).join("")).toBe(text);
  });
});

describe("mentionSyntax and mentionQueryAt (the autocomplete)", () => {
  it("inserts the bare form when it round-trips, else the bracketed one", () => {
    expect(mentionSyntax("Sam")).toBe("@Sam");
    expect(mentionSyntax("Member abc12")).toBe("@[Member abc12]");
    expect(mentionSyntax("Jo.")).toBe("@[Jo.]");
  });

  it("finds the query being typed before the caret", () => {
    expect(mentionQueryAt("hello @Sa", 9)).toEqual({ start: 6, query: "Sa" });
    expect(mentionQueryAt("@[Member ab", 11)).toEqual({ start: 0, query: "Member ab" });
    expect(mentionQueryAt("mail me@exa", 11)).toBeNull();
    expect(mentionQueryAt("hello Sa", 8)).toBeNull();
  });
});

describe("mentions in rendered Markdown", () => {
  it("styles mentions as inert spans, never inside code, never as markup", () => {
    expect(renderMarkdown("Hi @[Member abc12] and @Sam")).toBe('<p>Hi <span class="mention">@Member abc12</span> and <span class="mention">@Sam</span></p>');
    expect(renderMarkdown("`@Sam`")).toBe("<p><code>@Sam</code></p>");
    expect(renderMarkdown("mail@example.org")).not.toContain("mention");
    const hostile = renderMarkdown('@[Sam"><script>alert(1)</script>] <span class="mention" onclick="x">@Fake</span> [@Sam](javascript:alert(1))');
    expect(hostile).not.toMatch(/<script|<[^>]+onclick|href="javascript/i);
    // Typed HTML stays text: the forged span is shown, not rendered.
    expect(hostile).toContain('&lt;span class="mention" onclick="x"&gt;');
  });

  it("renders 10,000 @ signs without crashing", () => {
    expect(renderMarkdown("@".repeat(10_000))).toContain("@@@");
  });
});
