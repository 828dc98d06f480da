import { z } from "zod";

/** The organizers' attendee forms (attendees page, check-in page, the edit form's capacity choice). */

export const capacityOverflows = ["keep", "move"] as const;
export type CapacityOverflow = (typeof capacityOverflows)[number];
/** On the edit form: what to do when the new capacity is below the number going. Missing means keep (refuse). */
export const CapacityOverflowSchema = z.enum(capacityOverflows, { errorMap: () => ({ message: "Choose what happens to the people over the new capacity." }) }).catch("keep");

const UserIdSchema = z.string({ required_error: "Choose a person." }).regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a person on this list.");

export const AttendeeActionSchema = z.discriminatedUnion("intent", [
  // Removing asks first: the confirm step is a second submit, never a timer.
  z.object({ intent: z.literal("remove"), userId: UserIdSchema, confirm: z.literal("yes").optional() }),
  z.object({ intent: z.literal("promote"), userId: UserIdSchema, raiseCapacity: z.literal("yes").optional() }),
]);

export const CheckInActionSchema = z.object({
  userId: UserIdSchema,
  here: z.enum(["yes", "no"], { errorMap: () => ({ message: "Say whether the person is here." }) }),
});
