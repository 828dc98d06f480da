import { z } from "zod";
import { singleLine } from "#app/lib/single-line";
import { HttpUrlSchema } from "#app/lib/http-url";

export const RESOURCE_TITLE_MAX = 160;
export const RESOURCE_SUMMARY_MAX = 2_000;
export const RESOURCE_BODY_MAX = 50_000;
export const TAG_MAX = 32;
export const TAGS_MAX = 10;
/** Largest document accepted: 10 MB. */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** What an upload can go wrong with, worded once for the browser's check and the server's. */
export const uploadMessages = {
  tooLarge: `That file is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB. Please choose a smaller file (or split it).`,
  empty: "That file is empty. Please choose the document again.",
  wrongType: "Only PDF, PNG or JPEG files can be uploaded, and that file is not one of them (whatever its name says).",
  polyglot: "That file is also a web page (it has HTML or script inside), so it can't be uploaded. Please save it again as a plain PDF, PNG or JPEG.",
};

/**
 * The file input as the browser sees it (a File), so a file that is too large or empty is refused
 * before a single byte is sent. On the server the file never reaches the form data (it is streamed
 * to storage and checked by content in upload.server.ts), so this is a browser-side check only.
 */
const FileFieldSchema = z.any().superRefine((value, ctx) => {
  if (typeof File === "undefined" || !(value instanceof File)) return;
  if (value.size > UPLOAD_MAX_BYTES) ctx.addIssue({ code: "custom", message: uploadMessages.tooLarge });
  else if (value.size === 0 && value.name) ctx.addIssue({ code: "custom", message: uploadMessages.empty });
});
/** A resource not reviewed for this long shows "review due" to organizers. */
export const REVIEW_DUE_MONTHS = 12;
/** A resource's reviewer is reminded this many days before its review is due (and again when overdue). */
export const REVIEW_SOON_DAYS = 30;
export const LIBRARY_PAGE_SIZE = 20;

export const resourceKinds = ["link", "guide", "document"] as const;
export type ResourceKind = (typeof resourceKinds)[number];
export const kindLabels: Record<ResourceKind, string> = { link: "Link", guide: "Guide", document: "Document" };

/** The managed category list for the dystonia community (db enum resource_category). */
export const resourceCategories = ["understanding", "medications", "therapy", "surgery", "research", "living", "support", "carers"] as const;
export type ResourceCategory = (typeof resourceCategories)[number];
export const categoryLabels: Record<ResourceCategory, string> = {
  understanding: "Understanding dystonia",
  medications: "Medications",
  therapy: "Physical & occupational therapy",
  surgery: "Surgery & deep brain stimulation",
  research: "Emerging therapies & research",
  living: "Living with dystonia",
  support: "Support & education",
  carers: "For carers",
};

export const ResourceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a resource address.");

/** "dbs, Botox,  deep brain stimulation" → ["dbs", "botox", "deep brain stimulation"]. */
export function parseTags(raw: string | undefined): string[] {
  if (!raw) return [];
  const seen = new Set<string>();
  for (const part of raw.split(/[,\n]/)) {
    const tag = part.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, " ");
    if (tag) seen.add(tag);
  }
  return [...seen];
}

const TagsSchema = z
  .string()
  .max(1_000, "Use fewer tags.")
  .optional()
  .superRefine((v, ctx) => {
    const tags = parseTags(v);
    if (tags.length > TAGS_MAX) ctx.addIssue({ code: "custom", message: `Use at most ${TAGS_MAX} tags.` });
    for (const t of tags) {
      if (t.length > TAG_MAX) ctx.addIssue({ code: "custom", message: `Keep each tag under ${TAG_MAX} characters ("${t.slice(0, 20)}…" is longer).` });
      else if (!/^[\p{L}\p{N}][\p{L}\p{N} &'+-]*$/u.test(t)) ctx.addIssue({ code: "custom", message: `Tags use letters, numbers and spaces ("${t}" doesn't).` });
    }
  });

/**
 * The resource form (add and edit). One schema for every kind; the kind-specific rules (a link needs a
 * URL, a guide a body) are checked in superRefine so the error lands on the right field. A document's
 * file is not part of this schema: it is streamed to storage before the form is parsed.
 */
export const ResourceFormSchema = z
  .object({
    kind: z.enum(resourceKinds, { errorMap: () => ({ message: "Choose a link, a guide or a document." }) }),
    organizationId: z.string({ required_error: "Choose the organization." }).max(64),
    groupId: z.string().max(64).optional(),
    category: z.enum(resourceCategories, { errorMap: () => ({ message: "Choose a category from the list." }) }),
    title: z
      .string({ required_error: "Give the resource a title." })
      .trim()
      .min(3, "Use at least 3 characters for the title.")
      .max(RESOURCE_TITLE_MAX, `Use at most ${RESOURCE_TITLE_MAX} characters for the title.`)
      .refine(...singleLine("title")),
    summary: z.string().trim().max(RESOURCE_SUMMARY_MAX, `Use at most ${RESOURCE_SUMMARY_MAX.toLocaleString("en-GB")} characters for the summary.`).optional(),
    body: z.string().trim().max(RESOURCE_BODY_MAX, `Use at most ${RESOURCE_BODY_MAX.toLocaleString("en-GB")} characters for the guide.`).optional(),
    url: HttpUrlSchema.optional(),
    tags: TagsSchema,
    /** Edit form: the staff member who reviews it (checked against the organization's team on the server); empty: all staff. */
    reviewerId: z.string().max(64, "Choose a reviewer from the list.").optional(),
    /** Document: the file input (size checked in the browser; type checked by content on the server, never by name). */
    file: FileFieldSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "link" && !v.url) ctx.addIssue({ code: "custom", path: ["url"], message: "Enter the web address the link goes to." });
    if (v.kind === "guide" && !v.body) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the guide first." });
    if (v.kind !== "guide" && !v.summary) ctx.addIssue({ code: "custom", path: ["summary"], message: "Write a short summary so readers know what they will find." });
  });
export type ResourceInput = Omit<z.infer<typeof ResourceFormSchema>, "file">;

export const LibraryQuerySchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  category: z.enum(resourceCategories).optional().catch(undefined),
  organization: z.string().max(64).optional().catch(undefined),
  /** One tag, normalised like the tags people type (parseTags): ?tag=Botox is the tag "botox". */
  tag: z
    .string()
    .max(TAG_MAX * 4)
    .transform((v) => parseTags(v)[0])
    .refine((t) => t === undefined || t.length <= TAG_MAX)
    .optional()
    .catch(undefined),
  /** A group's slug: its resources only. */
  group: z.string().max(64).optional().catch(undefined),
  after: z.string().max(400).optional().catch(undefined),
});
export type LibraryQuery = z.infer<typeof LibraryQuerySchema>;

export const ResourceActionSchema = z.object({
  intent: z.enum(["bookmark", "unbookmark", "review", "retire", "restore"], { errorMap: () => ({ message: "Unknown action." }) }),
});
