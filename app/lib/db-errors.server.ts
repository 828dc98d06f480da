/** Postgres unique_violation, as raised by postgres-js or PGlite, possibly wrapped by Drizzle. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const err = cur as { code?: string; constraint_name?: string; constraint?: string; message?: string };
    if (err.code === "23505") {
      if (!constraint) return true;
      const name = err.constraint_name ?? err.constraint ?? "";
      return name === constraint || (err.message ?? "").includes(constraint);
    }
  }
  return false;
}
