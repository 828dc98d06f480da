/**
 * Counts with their unit in the right number ("1 minute", "2 minutes"): the one place chat and
 * moderation texts build "N units", so none says "1 seconds". English only, like the interface.
 */
export function countOf(n: number, unit: string, units = `${unit}s`): string {
  return `${n} ${n === 1 ? unit : units}`;
}

/** A length given in minutes, in the largest whole unit: "1 day", "3 hours", "1 minute". */
export function minutesText(minutes: number): string {
  if (minutes > 0 && minutes % (24 * 60) === 0) return countOf(minutes / (24 * 60), "day");
  if (minutes > 0 && minutes % 60 === 0) return countOf(minutes / 60, "hour");
  return countOf(minutes, "minute");
}

/** A length given in seconds, in the largest whole unit: "1 second", "5 minutes". */
export function secondsText(seconds: number): string {
  if (seconds > 0 && seconds % 60 === 0) return countOf(seconds / 60, "minute");
  return countOf(seconds, "second");
}
