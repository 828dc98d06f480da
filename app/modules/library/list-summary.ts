/**
 * The sentence that says what a library listing shows, announced when the filters change:
 * "12 resources tagged botox", "1 resource matching “neck” in Medications, in the group Carers".
 */
export function librarySummary(s: { total: number; q?: string; tag?: string; category?: string; group?: string; organization?: string }): string {
  const count = s.total === 0 ? "No resources" : s.total === 1 ? "1 resource" : `${s.total.toLocaleString("en-GB")} resources`;
  const parts = [count];
  if (s.q) parts.push(`matching “${s.q}”`);
  if (s.tag) parts.push(`tagged ${s.tag}`);
  if (s.category) parts.push(`in ${s.category}`);
  const where = [s.group ? `in the group ${s.group}` : "", s.organization ? `from ${s.organization}` : ""].filter(Boolean);
  return [parts.join(" "), ...where].join(", ");
}
