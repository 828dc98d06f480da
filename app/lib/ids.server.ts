import { randomBytes } from "node:crypto";

/** URL-safe random identifier (128 bits by default): not guessable, not ordered. */
export function newId(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}
