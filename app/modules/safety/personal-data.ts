/** What kind of personal information a text seems to contain. */
export type PersonalDataKind = "email" | "phone" | "address" | "health_number";

/**
 * The kinds of personal information the text seems to contain (each once, in this order: email,
 * phone, address, health_number). Pure and linear-time: runs in the browser and on the server.
 * STUB (foundation): the personal-data helper implements it; the signature is fixed for the round.
 */
export function findPersonalData(_text: string): PersonalDataKind[] {
  return [];
}
