/** A UTC timestamp written the same way on the server and in the browser (no hydration mismatch). */
export function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`}</time>;
}
