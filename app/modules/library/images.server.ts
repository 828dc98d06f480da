import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Transaction } from "#db/client";
import { libraryImages } from "#db/schema/index";
import { Invalid } from "#app/lib/errors";
import { guideImageRefs } from "#app/lib/markdown.server";
import type { SavedResource } from "./saved.server";

/** Far more images than a guide needs; bounds the save's one query. */
const GUIDE_IMAGES_MAX = 100;

/** A refusal of the guide's body: shown next to the body field, with the text kept (formFailure). */
const bodyProblem = (message: string) => Invalid(message, { body: [message] });

/**
 * Inside the save's transaction (saved.server.ts): every image the guide's body shows must have alt
 * text (or the explicit "decorative" title) and be an upload of this organization's library that no
 * other guide uses; those images are attached to the guide, so from now on they are seen exactly by
 * whoever may see the guide. Any refusal rolls the whole save back.
 *
 * An image belongs to one guide: the first one saved with it. Another guide referencing it is
 * refused (its readers may not be the first guide's: a private group's picture must not become
 * public through a public guide). Images dropped from the body stay attached, so the guide's older
 * versions still show them when viewed or restored.
 */
export async function attachGuideImages(tx: Transaction, saved: SavedResource): Promise<void> {
  const refs = guideImageRefs(saved.body);
  if (refs.some((r) => r.id !== null && !r.alt && !r.decorative)) {
    throw bodyProblem(
      'Every image needs a description for people who can\'t see it: write it between the square brackets, ![like this](/library/images/…), or mark a purely decorative image with ![](/library/images/… "decorative").',
    );
  }
  const ids = [...new Set(refs.flatMap((r) => (r.id ? [r.id] : [])))];
  if (ids.length === 0) return;
  if (ids.length > GUIDE_IMAGES_MAX) throw bodyProblem(`A guide can show at most ${GUIDE_IMAGES_MAX} images.`);
  // One conditional update: concurrent saves of two guides can't both take the same image.
  const attached = await tx
    .update(libraryImages)
    .set({ resourceId: saved.resourceId })
    .where(
      and(
        inArray(libraryImages.id, ids),
        eq(libraryImages.organizationId, saved.organizationId),
        or(isNull(libraryImages.resourceId), eq(libraryImages.resourceId, saved.resourceId)),
      ),
    )
    .returning({ id: libraryImages.id });
  if (attached.length === ids.length) return;
  const ok = new Set(attached.map((a) => a.id));
  const missing = ids.filter((id) => !ok.has(id));
  const [taken] = await tx
    .select({ id: libraryImages.id })
    .from(libraryImages)
    .where(and(inArray(libraryImages.id, missing), eq(libraryImages.organizationId, saved.organizationId)))
    .limit(1);
  throw bodyProblem(
    taken
      ? `The image /library/images/${taken.id} is already shown in another guide. Add it again for this guide with “Add an image”.`
      : `The image /library/images/${missing[0]} is not one added to this organization's library. Add it with “Add an image”, or remove it from the guide.`,
  );
}
