import { describe, expect, it } from "vitest";
import { renderMarkdown, safeUrl } from "#app/lib/markdown.server";
import { activeContent, xssPayloads } from "#tests/helpers/xss-corpus";

describe("renderMarkdown", () => {
  it("renders the Markdown people use: paragraphs, emphasis, lists, links, quotes, code", () => {
    const html = renderMarkdown(
      "Hello **there** and *you*.\n\n- one\n- two\n\n1. first\n\n> quoted\n\n`inline` and\n\n```\nblock\n```\n\n[a link](https://example.org/page) and mail@example.org",
    );
    expect(html).toContain("<p>Hello <strong>there</strong> and <em>you</em>.</p>");
    expect(html).toContain("<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
    expect(html).toContain("<ol>\n<li>first</li>\n</ol>");
    expect(html).toContain("<blockquote>\n<p>quoted</p>\n</blockquote>");
    expect(html).toContain("<code>inline</code>");
    expect(html).toContain("<pre><code>block\n</code></pre>");
    expect(html).toContain('<a href="https://example.org/page" rel="nofollow ugc noopener noreferrer">a link</a>');
    expect(html).toContain('<a href="mailto:mail@example.org" rel="nofollow ugc noopener noreferrer">mail@example.org</a>');
  });

  it("keeps single line breaks (typing two spaces is hard for some of us)", () => {
    expect(renderMarkdown("line one\nline two")).toBe("<p>line one<br />line two</p>");
  });

  it("turns headings into bold paragraphs so posts can't break the page outline", () => {
    expect(renderMarkdown("# Big\n\ntext")).toBe("<p><strong>Big</strong></p>\n<p>text</p>");
  });

  it("never embeds images: a safe image becomes a link, an unsafe one just its text", () => {
    expect(renderMarkdown("![my scan](https://example.org/scan.png)")).toBe(
      '<p><a href="https://example.org/scan.png" rel="nofollow ugc noopener noreferrer">my scan (image link)</a></p>',
    );
    expect(renderMarkdown("![pic](javascript:alert(1))")).toBe("<p>pic</p>");
  });

  it("shows raw HTML as text", () => {
    expect(renderMarkdown("<b>bold?</b>")).toBe("<p>&lt;b&gt;bold?&lt;/b&gt;</p>");
    expect(renderMarkdown("a <i>b</i> c")).toBe("<p>a &lt;i&gt;b&lt;/i&gt; c</p>");
  });

  it(`renders every one of the ${xssPayloads.length} XSS payloads inert`, () => {
    expect(xssPayloads.length).toBeGreaterThanOrEqual(20);
    for (const payload of xssPayloads) {
      const html = renderMarkdown(payload);
      expect(activeContent(html), `${payload} → ${html}`).toEqual([]);
      for (const a of html.matchAll(/<a\s[^>]*>/g)) {
        expect(a[0], payload).toMatch(/^<a href="(https?:|mailto:)[^"]*" rel="nofollow ugc noopener noreferrer">$/);
      }
    }
  });

  it("caches: the same source renders to the same string", () => {
    const s = "cached *text* " + Math.random();
    expect(renderMarkdown(s)).toBe(renderMarkdown(s));
  });
});

describe("safeUrl", () => {
  it.each([
    ["https://example.org/a?b=c", "https://example.org/a?b=c"],
    ["http://example.org", "http://example.org/"],
    ["mailto:someone@example.org", "mailto:someone@example.org"],
    ["javascript:alert(1)", null],
    [" JAVASCRIPT:alert(1)", null],
    ["java\tscript:alert(1)", null],
    ["data:text/html,hi", null],
    ["vbscript:x", null],
    ["//evil.example", null],
    ["/relative", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(safeUrl(input)).toBe(expected);
  });
});
