import { z } from "zod";

export const URL_MAX = 500;

/**
 * A real http(s) URL with a host, nothing else: no javascript:, no data:, no credentials, and none
 * of the characters `new URL()` silently escapes (spaces, `<`, `>`, `"`), so what is stored is what
 * was checked. The one schema for every link people type: event links, library links, organization
 * websites.
 */
export const HttpUrlSchema = z
  .string({ required_error: "Enter a full web address starting with https:// (or http://)." })
  .trim()
  .max(URL_MAX, `Use at most ${URL_MAX} characters for the link.`)
  .superRefine((v, ctx) => {
    let url: URL | null = null;
    try {
      url = new URL(v);
    } catch {
      /* handled below */
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname || /[\s<>"]/.test(v)) {
      ctx.addIssue({ code: "custom", message: "Enter a full web address starting with https:// (or http://)." });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Leave the user name and password out of the link." });
    }
  });
