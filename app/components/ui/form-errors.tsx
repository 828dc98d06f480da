/** Form-level errors (not tied to one field), announced as an alert when they appear. */
export function FormErrors({ id, errors }: { id?: string; errors?: string[] }) {
  const list = errors?.filter(Boolean) ?? [];
  if (!list.length) return null;
  return (
    <div id={id} role="alert" className="rounded-lg border-2 border-red-700 bg-red-50 p-4 text-red-900 dark:bg-red-950 dark:text-red-100">
      {list.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

/** A status message (success or info), read out politely by screen readers. */
export function StatusMessage({ message }: { message?: string | null }) {
  return (
    <div role="status" className={message ? "rounded-lg border-2 border-green-700 bg-green-50 p-4 text-green-900 dark:bg-green-950 dark:text-green-100" : ""}>
      {message}
    </div>
  );
}
