/**
 * Classic XSS payloads for forum titles, bodies and link URLs (tests/unit/markdown.test.ts and
 * tests/e2e/forums.spec.ts). Each must come out inert: shown as text, or dropped.
 */
export const xssPayloads: readonly string[] = [
  "<script>alert('xss1')</script>",
  "<img src=x onerror=alert('xss2')>",
  "<svg onload=alert('xss3')>",
  '<iframe src="javascript:alert(\'xss4\')"></iframe>',
  "[click me](javascript:alert('xss5'))",
  "[click me](JaVaScRiPt:alert('xss6'))",
  "[click me](javascript&#58;alert('xss7'))",
  "[click me](&#106;avascript:alert('xss8'))",
  "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click me](vbscript:msgbox('xss10'))",
  "![pic](javascript:alert('xss11'))",
  '![pic](https://example.org/x.png" onerror="alert(\'xss12\'))',
  '<a href="javascript:alert(\'xss13\')">plain html link</a>',
  "<body onload=alert('xss14')>",
  '"><script>alert(\'xss15\')</script>',
  "<style>body{display:none}</style>",
  '<object data="javascript:alert(\'xss17\')"></object>',
  '<embed src="javascript:alert(\'xss18\')">',
  '<form action="javascript:alert(\'xss19\')"><button>go</button></form>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss20')>",
  "<javascript:alert('xss21')>",
  '<div style="background:url(javascript:alert(\'xss22\'))">styled</div>',
  '[titled](https://example.org "t\\" onmouseover=\\"alert(\'xss23\')")',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss24\')">',
  '<base href="https://evil.example/">',
  "<input autofocus onfocus=alert('xss26')>",
  "<details open ontoggle=alert('xss27')>",
  "</textarea><script>alert('xss28')</script>",
  "</script><script>alert('xss29')</script>",
  "[spaced](java\tscript:alert('xss30'))",
  "[proto-relative](//evil.example/path)",
];

/**
 * Finds anything active in an HTML string: script-capable tags, event-handler attributes, and
 * href/src/action values that aren't http(s)/mailto. Returns the offending fragments.
 */
export function activeContent(html: string): string[] {
  const found: string[] = [];
  // Only real tags count: escaped text (&lt;img …&gt;) is inert by definition. Inside a tag,
  // attribute values are quoted (a quoted value can't hold a raw ">" from the server).
  for (const m of html.matchAll(/<([a-z][a-z0-9]*)\b((?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/gi)) {
    const [tag, name, attrs] = [m[0], m[1]!.toLowerCase(), m[2] ?? ""];
    if (/^(script|iframe|svg|object|embed|style|img|math|base|meta|body|frame|frameset|link)$/.test(name)) found.push(tag);
    for (const a of attrs.matchAll(/\s+([^\s=>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const attr = a[1]!.toLowerCase();
      const value = a[2] ?? a[3] ?? a[4] ?? "";
      if (attr.startsWith("on") || attr === "style" || attr === "srcdoc") found.push(tag);
      if (["href", "src", "action", "data", "formaction", "xlink:href"].includes(attr) && !/^(https?:\/\/|mailto:|\/(?!\/)|#|\?)/i.test(value)) {
        found.push(tag);
      }
    }
  }
  return found;
}
