import { describe, expect, it } from "vitest";
import { renderGuide, renderMarkdown, safeUrl } from "#app/lib/markdown.server";
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

describe("renderGuide", () => {
  it("renders real headings one level down (the page's h1 is the title), with ids and a contents list", () => {
    const { html, headings } = renderGuide("# Dosing\n\nTake it with food.\n\n## Morning & *evening*\n\ntext\n\n### Missed a dose?\n\n#### Deeper still\n\n# Dosing");
    expect(html).toBe(
      [
        '<h2 id="section-dosing">Dosing</h2>',
        "<p>Take it with food.</p>",
        '<h3 id="section-morning-evening">Morning &amp; <em>evening</em></h3>',
        "<p>text</p>",
        '<h4 id="section-missed-a-dose">Missed a dose?</h4>',
        '<h4 id="section-deeper-still">Deeper still</h4>',
        '<h2 id="section-dosing-2">Dosing</h2>',
      ].join("\n"),
    );
    expect(headings).toEqual([
      { id: "section-dosing", text: "Dosing", level: 2 },
      { id: "section-morning-evening", text: "Morning & evening", level: 3 },
      { id: "section-missed-a-dose", text: "Missed a dose?", level: 4 },
      { id: "section-deeper-still", text: "Deeper still", level: 4 },
      { id: "section-dosing-2", text: "Dosing", level: 2 },
    ]);
    // Posts keep their policy: a heading there is a bold paragraph, whatever was rendered before.
    expect(renderMarkdown("# Dosing")).toBe("<p><strong>Dosing</strong></p>");
  });

  it("makes safe ids from any heading text, and keeps hostile headings inert", () => {
    const { html, headings } = renderGuide('## Über Botox — 日本語\n\n## <script>alert(1)</script>\n\n## "><img src=x onerror=alert(1)>\n\n## ***');
    expect(headings.map((h) => h.id)).toEqual(["section-uber-botox-日本語", "section-script-alert-1-script", "section-img-src-x-onerror-alert-1", "section-part"]);
    expect(html).toContain("<h3 id=\"section-script-alert-1-script\">&lt;script&gt;alert(1)&lt;/script&gt;</h3>");
    expect(activeContent(html)).toEqual([]);
    for (const payload of xssPayloads) {
      const guide = renderGuide(`# ${payload}\n\n${payload}`);
      expect(activeContent(guide.html), payload).toEqual([]);
      for (const h of guide.headings) expect(h.id).toMatch(/^section-[\p{L}\p{N}-]+$/u);
    }
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
