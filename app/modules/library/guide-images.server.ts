import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { libraryImages } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, isDomainError, NotFound, TooLarge, Unauthenticated } from "#app/lib/errors";
import { invalidInput } from "#app/lib/http.server";
import { newId } from "#app/lib/ids.server";
import { DECORATIVE_TITLE } from "#app/lib/markdown.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { organizationRoleOf } from "#app/modules/organizations/staff.server";
import { assertCan, can, type Actor } from "#app/policy.server";
import { GuideImageFieldsSchema, IMAGE_MAX_BYTES, imageMessages } from "./images.schema";
import { findResource } from "./library.server";
import { storageFor } from "./storage.server";
import { discardUpload, readUploadForm, type UploadKind, type UploadOutcome } from "./upload.server";

/**
 * Images for guides: uploaded by the organization's staff (library.create), checked by their bytes,
 * kept in the library's FileStorage and library_images, and served through the policy: an image
 * attached to a guide (images.server.ts, on save) is seen by whoever may see that guide; one not
 * attached yet only by the organization's staff. Everyone else gets a 404.
 */

export type ImageMime = "image/png" | "image/jpeg" | "image/webp" | "image/gif";
const extensions: Record<ImageMime, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };

/** What the first bytes say the image is (never the name or the browser's claim); null for anything else, SVG included. */
export function sniffImageType(head: Uint8Array): ImageMime | null {
  const at = (offset: number, bytes: number[] | string) => {
    const want = typeof bytes === "string" ? [...bytes].map((c) => c.charCodeAt(0)) : bytes;
    return offset + want.length <= head.length && want.every((b, i) => head[offset + i] === b);
  };
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (at(0, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (at(0, "GIF87a") || at(0, "GIF89a")) return "image/gif";
  if (at(0, "RIFF") && at(8, "WEBP")) return "image/webp";
  return null;
}

const imageKind: UploadKind<ImageMime> = { sniff: sniffImageType, extension: (mime) => extensions[mime], messages: imageMessages };

export const imageUploadRate: RateRule = { limit: 60, windowSeconds: 60 * 60, message: imageMessages.rate };

/** The Markdown that shows the image in a guide (brackets and backslashes in the description escaped). */
export function imageMarkdown(id: string, alt: string, decorative: boolean): string {
  if (decorative) return `![](/library/images/${id} "${DECORATIVE_TITLE}")`;
  return `![${alt.replace(/[\\[\]]/g, (c) => `\\${c}`)}](/library/images/${id})`;
}

function checkedImage(upload: UploadOutcome<ImageMime> | null) {
  if (!upload) throw Invalid(imageMessages.missing, { image: [imageMessages.missing] });
  if (!upload.ok) {
    const fieldErrors = { image: [upload.message] };
    throw upload.status === 413 ? TooLarge(upload.message, fieldErrors) : Invalid(upload.message, fieldErrors);
  }
  return upload;
}

/**
 * One image from a multipart form (`image` file, `organizationId`, `alt` or `decorative`). Answers
 * with its id and the Markdown to insert; whatever is refused leaves no temp file, stored file or row.
 */
export async function uploadGuideImage(app: AppContext, viewer: Actor | null, request: Request) {
  if (!viewer) throw Unauthenticated();
  const storage = storageFor(app);
  const { formData, upload } = await readUploadForm(request, storage, { field: "image", maxBytes: IMAGE_MAX_BYTES, kind: imageKind });
  try {
    const fields = GuideImageFieldsSchema.safeParse(Object.fromEntries(formData));
    if (!fields.success) throw invalidInput(fields.error, imageMessages.altRequired);
    const orgRole = await organizationRoleOf(app, viewer, fields.data.organizationId);
    assertCan(viewer, "library.create", { orgRole }, "That organization");
    const image = checkedImage(upload);
    return await withinRate(app.limiter, `library:image:${viewer.id}`, imageUploadRate, async () => {
      const id = newId();
      const fileKey = newId(18);
      await storage.put(fileKey, image.tempPath);
      try {
        await app.db.insert(libraryImages).values({
          id,
          organizationId: fields.data.organizationId,
          fileKey,
          fileMime: image.mime,
          fileSize: image.size,
          uploadedBy: viewer.id,
        });
      } catch (e) {
        await storage.delete(fileKey);
        throw e;
      }
      return { id, url: `/library/images/${id}`, markdown: imageMarkdown(id, fields.data.alt ?? "", !!fields.data.decorative) };
    });
  } finally {
    await discardUpload(upload);
  }
}

/**
 * An image's bytes for those who may see it (404 for everyone else). `public`: anyone, signed in or
 * not, may see it (its guide is in the open library), so it may be cached by anyone.
 */
export async function getGuideImage(app: AppContext, viewer: Actor | null, imageId: string) {
  const [image] = await app.db.select().from(libraryImages).where(eq(libraryImages.id, imageId)).limit(1);
  if (!image) throw NotFound("That image");
  let isPublic = false;
  if (image.resourceId) {
    const resource = await findResource(app, viewer, image.resourceId);
    if (!can(viewer, "library.view", resource.target)) throw NotFound("That image");
    isPublic = viewer === null || (await visibleToVisitors(app, image.resourceId));
  } else {
    // Not in a guide yet (being written): the organization's staff only.
    const orgRole = await organizationRoleOf(app, viewer, image.organizationId);
    if (!can(viewer, "library.create", { orgRole })) throw NotFound("That image");
  }
  const stored = await storageFor(app).get(image.fileKey);
  if (!stored) throw NotFound("That image");
  return { ...stored, mime: image.fileMime, public: isPublic };
}

async function visibleToVisitors(app: AppContext, resourceId: string): Promise<boolean> {
  try {
    return can(null, "library.view", (await findResource(app, null, resourceId)).target);
  } catch (e) {
    if (isDomainError(e)) return false;
    throw e;
  }
}

/** An image no guide was saved with for this long was abandoned (the editor closed without saving). */
export const UNUSED_IMAGE_DAYS = 7;
const UNUSED_BATCH = 200;

/**
 * Sweep "library.unused-images": deletes images never attached to a guide within UNUSED_IMAGE_DAYS
 * (rows first, claimed by the one DELETE, so one node removes each; then their files). An attached
 * image is never touched; one whose guide was deleted (resource_id set null) goes the same way.
 */
export async function unusedImagesSweep(app: AppContext, now: Date): Promise<void> {
  const before = new Date(now.getTime() - UNUSED_IMAGE_DAYS * 24 * 60 * 60 * 1000);
  const batch = app.db
    .select({ id: libraryImages.id })
    .from(libraryImages)
    .where(and(isNull(libraryImages.resourceId), lt(libraryImages.createdAt, before)))
    .limit(UNUSED_BATCH);
  const gone = await app.db
    .delete(libraryImages)
    .where(and(inArray(libraryImages.id, batch), isNull(libraryImages.resourceId)))
    .returning({ fileKey: libraryImages.fileKey });
  const storage = storageFor(app);
  for (const { fileKey } of gone) await storage.delete(fileKey);
}
