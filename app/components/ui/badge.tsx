import type { ReactNode } from "react";

export function Badge({ children, tone = "neutral" }: { children: ReactNode; tone?: "neutral" | "brand" | "success" | "warning" }) {
  const tones = {
    neutral: "bg-stone-200 text-stone-900 dark:bg-stone-700 dark:text-stone-50",
    brand: "bg-brand-100 text-brand-800 dark:bg-brand-800 dark:text-brand-50",
    success: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-50",
    warning: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-50",
  };
  return <span className={`inline-block rounded-full px-3 py-0.5 text-sm font-semibold ${tones[tone]}`}>{children}</span>;
}

/** The "verified organization" mark, with text so it never relies on an icon alone. */
export function VerifiedBadge() {
  return (
    <Badge tone="success">
      <span aria-hidden="true">✓ </span>Verified organization
    </Badge>
  );
}
