import { Link, type LinkProps } from "@remix-run/react";
import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger" | "quiet";

const base =
  "inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg px-5 py-2 text-base font-semibold no-underline " +
  "transition-colors disabled:cursor-not-allowed disabled:opacity-60";
const variants: Record<Variant, string> = {
  primary: "bg-brand-700 text-white hover:bg-brand-800 dark:bg-brand-100 dark:text-stone-900 dark:hover:bg-brand-50",
  secondary:
    "border-2 border-brand-700 bg-white text-brand-800 hover:bg-brand-50 dark:border-brand-100 dark:bg-stone-800 dark:text-brand-50 dark:hover:bg-stone-700",
  danger: "bg-red-700 text-white hover:bg-red-800",
  quiet: "text-brand-800 underline underline-offset-2 hover:bg-brand-50 dark:text-brand-100 dark:hover:bg-stone-800",
};

export function buttonClass(variant: Variant = "primary", extra = "") {
  return `${base} ${variants[variant]} ${extra}`;
}

/** Every button is at least 44×44 px (min-h-11 min-w-11) for people with tremor or spasms. */
export function Button({
  variant = "primary",
  className = "",
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button type={type} className={buttonClass(variant, className)} {...props} />;
}

export function ButtonLink({ variant = "primary", className = "", ...props }: LinkProps & { variant?: Variant }) {
  return <Link className={buttonClass(variant, className)} {...props} />;
}
