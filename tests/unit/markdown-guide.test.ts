import { describe, expect, it } from "vitest";
import { guideImageRefs, renderGuide, renderMarkdown } from "#app/lib/markdown.server";
import { activeContent, xssPayloads } from "#tests/helpers/xss-corpus";

/** The one <img> a guide may contain; anything else left over is active content. */
const LIBRARY_IMG = /<img src="\/library\/images\/[A-Za-z0-9_-]{1,64}" alt="[^"<>]*" loading="lazy" \/>/g;
const withoutLibraryImages = (html: string) => html.replace(LIBRARY_IMG, "");

describe("renderGuide: headings", () => {
  it("never makes a second h1, and deduplicates ids across levels", () => {
    const { html, headings } = renderGuide("# Intro\n\n## Intro\n\n### Intro\n\nIntro\n===\n\n# Intro");
    expect(html).not.toMatch(/<h1/);
    expect(headings.map((h) => [h.level, h.id])).toEqual([
      [2, "section-intro"],
      [3, "section-intro-2"],
      [4, "section-intro-3"],
      [2, "section-intro-4"],
      [2, "section-intro-5"],
    ]);
    // The ids are stable: the same body gives the same ids (links to a section keep working).
    expect(renderGuide("# Intro\n\n## Intro\n\n### Intro\n\nIntro\n===\n\n# Intro").headings).toEqual(headings);
  });

  it("gives an id only to headings it made (ids in text are inert)", () => {
    const { html } = renderGuide('## Real\n\n<h2 id="section-fake">fake</h2>');
    expect(html).toContain('<h3 id="section-real">Real</h3>');
    expect(html).toContain('<p>&lt;h2 id="section-fake"&gt;fake&lt;/h2&gt;</p>');
  });
});

describe("renderGuide: images", () => {
  it("embeds library images with their alt text and lazy loading; decorative ones get alt=\"\"", () => {
    const { html } = renderGuide('![Diagram of the neck muscles](/library/images/img_123)\n\n![](/library/images/deco "decorative")');
    expect(html).toBe(
      [
        '<p><img src="/library/images/img_123" alt="Diagram of the neck muscles" loading="lazy" /></p>',
        '<p><img src="/library/images/deco" alt="" loading="lazy" /></p>',
      ].join("\n"),
    );
  });

  it("embeds nothing else: other images stay links or text, in guides and posts", () => {
    const { html } = renderGuide(
      "![remote](https://example.org/x.png)\n\n![up](/library/images/../../etc/passwd)\n\n![proto](//evil.example/library/images/x)\n\n![q](/library/images/abc?x=1)\n\n![data](data:image/png;base64,AAAA)",
    );
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://example.org/x.png" rel="nofollow ugc noopener noreferrer">remote (image link)</a>');
    // A post never embeds, not even a library image.
    expect(renderMarkdown("![pic](/library/images/img_123)")).toBe("<p>pic</p>");
  });

  it("escapes alt text", () => {
    const { html } = renderGuide('![a" onerror="alert(1)](/library/images/abc)\n\n![<script>alert(1)</script>](/library/images/def)');
    expect(withoutLibraryImages(html)).toBe("<p></p>\n<p></p>");
    expect(html).toContain('alt="a&quot; onerror=&quot;alert(1)"');
    expect(html).not.toContain("<script");
  });

  it(`keeps every one of the ${xssPayloads.length} XSS payloads inert, also inside image syntax`, () => {
    for (const payload of xssPayloads) {
      for (const source of [payload, `# ${payload}\n\n${payload}`, `![${payload}](/library/images/abc)`, `![x](/library/images/abc "${payload}")`, `![x](${payload})`]) {
        const { html } = renderGuide(source);
        expect(activeContent(withoutLibraryImages(html)), source).toEqual([]);
      }
    }
  });
});

describe("guideImageRefs", () => {
  it("lists the images as the renderer sees them (not those inside code)", () => {
    const refs = guideImageRefs(
      '![Neck](/library/images/a1)\n\n![](/library/images/b2 "decorative")\n\n![  ](/library/images/c3)\n\n`![code](/library/images/d4)`\n\n```\n![fence](/library/images/e5)\n```\n\n![remote](https://example.org/x.png)',
    );
    expect(refs).toEqual([
      { id: "a1", alt: "Neck", decorative: false },
      { id: "b2", alt: "", decorative: true },
      { id: "c3", alt: "", decorative: false },
      { id: null, alt: "remote", decorative: false },
    ]);
  });
});
