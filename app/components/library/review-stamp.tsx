import { Badge } from "#app/components/ui/badge";

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "12 March 2026" from an ISO string or a Date (UTC, so server and browser agree). */
export function formatReviewDate(value: string | Date): string {
  return dateFormat.format(typeof value === "string" ? new Date(value) : value);
}

/**
 * The review stamp. Organizers see "Review due" once a resource has gone 12 months without a review;
 * readers see "Reviewed by <organization> on <date>" while it is fresh and "Last reviewed <date>" after.
 */
export function ReviewStamp({
  organization,
  reviewedAt,
  reviewDue,
  organizer,
}: {
  organization: string;
  reviewedAt: string | Date | null;
  reviewDue: boolean;
  organizer: boolean;
}) {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {reviewedAt && !reviewDue ? (
        <span>
          Reviewed by {organization} on <time dateTime={new Date(reviewedAt).toISOString()}>{formatReviewDate(reviewedAt)}</time>
        </span>
      ) : reviewedAt ? (
        <span>
          Last reviewed <time dateTime={new Date(reviewedAt).toISOString()}>{formatReviewDate(reviewedAt)}</time>
        </span>
      ) : (
        <span>Not reviewed yet</span>
      )}
      {organizer && reviewDue ? <Badge tone="warning">Review due</Badge> : null}
    </span>
  );
}
