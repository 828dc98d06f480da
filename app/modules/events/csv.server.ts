/**
 * CSV (RFC 4180) for exports opened in spreadsheets. Cells that a spreadsheet would run as a formula
 * (starting with = + - @, or a tab / carriage return) get a leading apostrophe, so a display name
 * like "=HYPERLINK(…)" stays text (OWASP "CSV injection").
 */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
