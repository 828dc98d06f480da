import { Link, type LinkProps } from "@remix-run/react";
import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger" | "quiet";

/** Component classes (tailwind.css `.btn*`): a page repeats them, and the long utility lists were a large part of its markup. */
const variants: Record<Variant, string> = { primary: "btn-primary", secondary: "btn-secondary", danger: "btn-danger", quiet: "btn-quiet" };

export function buttonClass(variant: Variant = "primary", extra = "") {
  return extra ? `btn ${variants[variant]} ${extra}` : `btn ${variants[variant]}`;
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
