import { sql, type SQL } from "drizzle-orm";
import { bigint, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { groups } from "./groups";
import { organizations } from "./organizations";
import { tsvector } from "./types";

export const resourceKind = pgEnum("resource_kind", ["link", "guide", "document"]);
/** The managed category list (labels in app/modules/library/library.schema.ts). */
export const resourceCategory = pgEnum("resource_category", [
  "understanding",
  "medications",
  "therapy",
  "surgery",
  "research",
  "living",
  "support",
  "carers",
]);

/**
 * Organization-curated resources: an external link, a guide written in the app (Markdown body), or
 * an uploaded document (PDF, PNG, JPEG) kept in file storage under file_key. A resource scoped to a
 * group is visible only to those who can see that group.
 */
export const resources = pgTable(
  "resources",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    kind: resourceKind("kind").notNull(),
    category: resourceCategory("category").notNull(),
    title: text("title").notNull(),
    /** Markdown, rendered through app/lib/markdown.server.ts. */
    summary: text("summary").notNull().default(""),
    /** Guides: Markdown body. Empty for links and documents. */
    body: text("body").notNull().default(""),
    /** Links: the external http(s) URL. */
    url: text("url"),
    /** Documents: the storage key (random, never the uploader's file name). */
    fileKey: text("file_key"),
    /** Documents: the sanitized display name offered on download. */
    fileName: text("file_name"),
    fileSize: bigint("file_size", { mode: "number" }),
    /** Detected from the file's first bytes, never from the name or the browser's claim. */
    fileMime: text("file_mime"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewedBy: text("reviewed_by").references(() => users.id, { onDelete: "set null" }),
    /** When the organization's staff were last told the resource is due for review (the sweep's idempotency). */
    reviewRemindedAt: timestamp("review_reminded_at", { withTimezone: true }),
    /** The staff member responsible for reviewing it (reminders go to them; null: the organization's staff). */
    reviewerId: text("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    /** Link check (weekly job): when last checked, ok | broken, why, and since when it has been broken. */
    linkCheckedAt: timestamp("link_checked_at", { withTimezone: true }),
    linkStatus: text("link_status"),
    linkError: text("link_error"),
    linkBrokenSince: timestamp("link_broken_since", { withTimezone: true }),
    /** PDF text extraction: pending | indexed | empty | failed (null: not a PDF). Pages in resource_pages. */
    textStatus: text("text_status"),
    retiredAt: timestamp("retired_at", { withTimezone: true }),
    retiredBy: text("retired_by").references(() => users.id, { onDelete: "set null" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    search: tsvector("search").generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector('english', ${resources.title}), 'A') || setweight(to_tsvector('english', ${resources.summary}), 'B') || setweight(to_tsvector('english', ${resources.body}), 'C')`,
    ),
  },
  (t) => [
    // Listing: newest first, keyset on (created_at, id), optionally per category or organization.
    index("resources_created_id_idx").on(t.createdAt.desc(), t.id.desc()),
    index("resources_category_created_idx").on(t.category, t.createdAt.desc(), t.id.desc()),
    index("resources_organization_created_idx").on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    index("resources_group_id_idx").on(t.groupId),
    index("resources_reviewed_by_idx").on(t.reviewedBy),
    index("resources_retired_by_idx").on(t.retiredBy),
    index("resources_created_by_idx").on(t.createdBy),
    index("resources_reviewer_id_idx").on(t.reviewerId),
    index("resources_tags_idx").using("gin", t.tags),
    index("resources_search_idx").using("gin", t.search),
    check("resources_link_has_url", sql`${t.kind} <> 'link' or ${t.url} is not null`),
    check("resources_document_has_file", sql`${t.kind} <> 'document' or ${t.fileKey} is not null`),
  ],
);

export const resourceBookmarks = pgTable(
  "resource_bookmarks",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    resourceId: text("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.resourceId] }),
    // "My bookmarks": newest first, keyset on (created_at, resource_id).
    index("resource_bookmarks_user_created_idx").on(t.userId, t.createdAt.desc(), t.resourceId.desc()),
    index("resource_bookmarks_resource_id_idx").on(t.resourceId),
  ],
);

/** Every saved state of a guide (and of any resource's title, summary and tags): history, diff, restore. */
export const resourceVersions = pgTable(
  "resource_versions",
  {
    id: text("id").primaryKey(),
    resourceId: text("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    /** 1, 2, 3 … per resource. */
    version: integer("version").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    body: text("body").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** Set when this version was made by restoring an older one. */
    restoredFrom: integer("restored_from"),
    editedBy: text("edited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("resource_versions_resource_version_key").on(t.resourceId, t.version), index("resource_versions_edited_by_idx").on(t.editedBy)],
);

/** Text extracted from an uploaded PDF, one row per page: searched with the resources, the page shown. */
export const resourcePages = pgTable(
  "resource_pages",
  {
    resourceId: text("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    /** 1-based page number. */
    page: integer("page").notNull(),
    text: text("text").notNull(),
    search: tsvector("search").generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${resourcePages.text})`),
  },
  (t) => [primaryKey({ columns: [t.resourceId, t.page] }), index("resource_pages_search_idx").using("gin", t.search)],
);

/**
 * Images used in guides: uploaded to file storage (magic bytes checked), served through the policy.
 * resource_id is set when a saved guide references the image; until then only the organization's staff see it.
 */
export const libraryImages = pgTable(
  "library_images",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    resourceId: text("resource_id").references(() => resources.id, { onDelete: "set null" }),
    fileKey: text("file_key").notNull(),
    fileMime: text("file_mime").notNull(),
    fileSize: bigint("file_size", { mode: "number" }).notNull(),
    uploadedBy: text("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("library_images_organization_id_idx").on(t.organizationId),
    index("library_images_resource_id_idx").on(t.resourceId),
    index("library_images_uploaded_by_idx").on(t.uploadedBy),
  ],
);
