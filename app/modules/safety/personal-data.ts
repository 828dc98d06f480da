import { NeedsConfirmation } from "#app/lib/errors";

/** What kind of personal information a text seems to contain. */
export type PersonalDataKind = "email" | "phone" | "address" | "health_number";

/** Only this much of a text is looked at (the longest post is 20,000 characters). */
export const PERSONAL_DATA_SCAN_MAX = 20_000;

/*
 * Every pattern below is linear: no nested unbounded quantifiers, every repetition bounded, and the
 * pieces of a repeated group are separated by a character the piece cannot contain, so a match
 * attempt backtracks a bounded number of steps at each position. Numbers are found as candidates
 * first and then judged in code (digit counts, group shapes, check digits), which keeps the
 * expressions simple and the judgement readable.
 */

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;

/**
 * A run of digit groups: an optional "+", groups of 1–12 digits (any of them may be in brackets, as
 * in "(555) 123-4567" or "+44 (0)20 …") separated by one or two spaces, dots, dashes or slashes.
 */
const NUMBER_RUN = /(?<![\w.,/+-])(?:\+ ?)?\(?\d{1,12}\)?(?:(?:[ .\-/]{1,2}|(?<=\)))\(?\d{1,12}\)?){0,7}(?![\w]|[.,-]\d)/g;

/** Letter + 9 digits (German health insurance number, KVNR). */
const KVNR = /(?<![\w])[A-Z]\d{9}(?!\w)/g;
/** French social security number (NIR): 13 digits and a 2-digit key, spaces allowed between the parts. */
const NIR = /(?<![\w])[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?!\w)/g;
/** US Medicare beneficiary identifier (MBI), e.g. 1EG4-TE5-MK73: letters exclude S, L, O, I, B, Z. */
const MBI = /(?<![\w])[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}(?!\w)/g;

const STREET_WORDS =
  "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Way|Court|Ct|Place|Crescent|Terrace|Boulevard|Blvd|Gardens|Grove|Square|Sq|Row|Mews|Parade|Highway|Hwy";
/** "12 Baker Street", "221B Baker St", "1600 Pennsylvania Ave": a house number, 1–4 capitalised words, a street word. */
const EN_STREET = new RegExp(
  `(?<![\\w.,])\\d{1,5}[A-Za-z]?,? {1,2}(?:[A-Z][\\p{L}'’-]{0,30}\\.? {1,2}){1,4}(?:${STREET_WORDS}|${STREET_WORDS.toLowerCase()})\\b\\.?(?! [A-Z][a-z]{0,20}'s\\b)`,
  "gu",
);
/** "Hauptstraße 5", "Berliner Straße 12a", "Lindenweg 3". */
const DE_STREET =
  /(?<![\p{L}\d])(?:\p{Lu}[\p{L}-]{0,30}(?:straße|strasse|str\.|weg|gasse|allee|platz)|\p{Lu}[\p{L}-]{1,30} (?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz)) ?\d{1,4}[a-z]?(?![\p{L}\d])/gu;
/** "12 rue de la Paix", "5 bis avenue Victor Hugo". */
const FR_STREET = /(?<![\w.,])\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|boulevard|bd|impasse|allée|chemin|quai|place) (?:(?:de|du|des|la|le) |d'|l'){0,2}\p{Lu}/gu;
/** UK postcode with its space: "SW1A 1AA", "M1 1AE"; the inward part's letters skip C, I, K, M, O, V. */
const UK_POSTCODE = /(?<![\w])[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}(?!\w)/g;
/** "Springfield, IL 62704" (a town, a state code and a ZIP). */
const US_ZIP = /(?<![\w])\p{Lu}\p{Ll}{1,30},? [A-Z]{2} \d{5}(?:-\d{4})?(?!\w)/gu;

function matches(re: RegExp, text: string): RegExpMatchArray[] {
  re.lastIndex = 0;
  return [...text.matchAll(re)];
}

function hasEmail(text: string): boolean {
  return matches(EMAIL, text).some((m) => {
    const domain = m[0].slice(m[0].indexOf("@") + 1);
    const tld = domain.slice(domain.lastIndexOf(".") + 1);
    return /^[A-Za-z]{2,24}$/.test(tld) && !m[0].startsWith(".");
  });
}

/** NHS number: 10 digits whose 10th is the mod-11 check of the first nine. */
export function nhsCheckOk(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** US Social Security number rules: no area 000, 666 or 9xx, no group 00, no serial 0000. */
function ssnOk(area: string, group: string, serial: string): boolean {
  return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" && serial !== "0000";
}

/** Australian Medicare card number: first digit 2–6, the 9th digit checks the first eight. */
function medicareAuOk(digits: string): boolean {
  if (!/^[2-6]\d{9}$/.test(digits)) return false;
  const weights = [1, 3, 7, 9, 1, 3, 7, 9];
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return sum % 10 === Number(digits[8]);
}

/** KVNR: the letter as 01–26 and the first eight digits, weights 1,2,1,2…, digit sums, mod 10 is the 9th digit. */
export function kvnrCheckOk(value: string): boolean {
  if (!/^[A-Z]\d{9}$/.test(value)) return false;
  const letter = String(value.charCodeAt(0) - 64).padStart(2, "0");
  const digits = letter + value.slice(1, 9);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const p = Number(digits[i]) * (i % 2 === 0 ? 1 : 2);
    sum += p > 9 ? p - 9 : p;
  }
  return sum % 10 === Number(value[9]);
}

/** French NIR: the key is 97 minus the 13-digit number mod 97 (Corsica: 2A → 19, 2B → 18). */
export function nirCheckOk(value: string): boolean {
  const compact = value.replace(/ /g, "");
  if (!/^[12]\d{4}(?:\d{2}|2[AB])\d{8}$/.test(compact)) return false;
  const month = Number(compact.slice(3, 5));
  if (!((month >= 1 && month <= 12) || month >= 20)) return false;
  const body = compact.slice(0, 13).replace("2A", "19").replace("2B", "18");
  const key = 97 - Number(BigInt(body) % 97n);
  return key === Number(compact.slice(13));
}

type NumberVerdict = "phone" | "health_number" | null;

const DATE_SHAPE = /(?:^|[^\d])(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})(?:$|[^\d])/;

/** Judge one run of digit groups: a phone number, a health or insurance number, or neither. */
function judgeNumber(raw: string, before: string): NumberVerdict {
  const groups = raw.match(/\d+/g) ?? [];
  const digits = groups.join("");
  const sizes = groups.map((g) => g.length).join("-");
  const seps = raw.replace(/[\d+()]/g, "");
  const dashed = /^-+$/.test(seps);

  // Health and insurance numbers first: they have exact shapes and check digits.
  if (digits.length === 10 && (sizes === "3-3-4" || sizes === "10") && nhsCheckOk(digits) && !raw.includes("(")) {
    return "health_number";
  }
  if ((sizes === "3-2-4" && (dashed || /^ +$/.test(seps))) && ssnOk(groups[0]!, groups[1]!, groups[2]!)) return "health_number";
  if ((sizes === "4-5-1" || sizes === "10") && /^[ ]*$/.test(seps) && medicareAuOk(digits)) return "health_number";

  // Not a phone number: dates, ISBNs, decimals ("2.5"), version-like runs.
  if (DATE_SHAPE.test(raw)) return null;
  if (/\bISBN(?:-1[03])?:?\s*$/i.test(before)) return null;
  if (raw.includes("/")) return null;
  if (/^\d{1,3}\.\d{1,3}$/.test(raw)) return null;

  const international = raw.startsWith("+") || /^00[1-9]/.test(digits);
  // After the first (country) group every group has at least two digits: "0 1 2 3 4 5" is a scale.
  const laterGroupsOk = (raw.replace(/\(0\)/, "").match(/\d+/g) ?? []).slice(1).every((g) => g.length >= 2);
  if (international) return digits.length >= 8 && digits.length <= 15 && laterGroupsOk ? "phone" : null;

  // National numbers with a trunk 0 (UK 07700 900123, 020 7946 0958; DE 030 1234567; FR 06 12 34 56 78).
  if (/^0[1-9]/.test(digits) && digits.length >= 9 && digits.length <= 12 && groups.every((g) => g.length >= 2)) {
    // "0.5 0.25 …" doses written with dots are never phone numbers.
    if (/^0\.\d/.test(raw)) return null;
    return "phone";
  }

  // North American numbers: (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567, 555 123 4567.
  const nanp = /^(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}$/;
  if (nanp.test(raw)) {
    const area = raw.startsWith("1") && groups.length === 4 ? groups[1]! : groups[0]!;
    if (/^[2-9]\d\d$/.test(area)) return "phone";
  }
  return null;
}

function numberKinds(text: string): { phone: boolean; health: boolean } {
  let phone = false;
  let health = false;
  for (const m of matches(NUMBER_RUN, text)) {
    const raw = m[0].trim();
    const before = text.slice(Math.max(0, (m.index ?? 0) - 12), m.index);
    const verdict = judgeNumber(raw, before);
    if (verdict === "phone") phone = true;
    if (verdict === "health_number") health = true;
    if (phone && health) break;
  }
  return { phone, health };
}

function hasHealthCode(text: string): boolean {
  if (matches(KVNR, text).some((m) => kvnrCheckOk(m[0]))) return true;
  if (matches(NIR, text).some((m) => nirCheckOk(m[0]))) return true;
  return matches(MBI, text).length > 0;
}

/** "My 3 Month Road to Recovery" is a title, not an address: a count of time or doses is never a house number. */
const NOT_A_STREET_NAME = /^\d{1,5}[A-Za-z]?,? {1,2}(?:Months?|Years?|Weeks?|Days?|Hours?|Minutes?|Times?|Steps?|Tips?|Ways?|Things?|Units?|Mg|Sessions?|Rounds?|Injections?|Shots?|Kids?|Children)\b/i;

function hasAddress(text: string): boolean {
  if (matches(EN_STREET, text).some((m) => !NOT_A_STREET_NAME.test(m[0]))) return true;
  return [DE_STREET, FR_STREET, UK_POSTCODE, US_ZIP].some((re) => matches(re, text).length > 0);
}

/**
 * The kinds of personal information the text seems to contain (each once, in this order: email,
 * phone, address, health_number). Pure and linear-time: runs in the browser and on the server.
 * A gentle hint, not a guarantee: it errs towards silence on doses, dates, times and counts.
 */
export function findPersonalData(text: string): PersonalDataKind[] {
  const t = text.slice(0, PERSONAL_DATA_SCAN_MAX).replace(/[\u00A0\u2009\u202F]/g, " ");
  const found: PersonalDataKind[] = [];
  const numbers = numberKinds(t);
  if (hasEmail(t)) found.push("email");
  if (numbers.phone) found.push("phone");
  if (hasAddress(t)) found.push("address");
  if (numbers.health || hasHealthCode(t)) found.push("health_number");
  return found;
}

const kindWords: Record<PersonalDataKind, string> = {
  email: "an e-mail address",
  phone: "a phone number",
  address: "a street address",
  health_number: "a health or insurance number",
};

/** Where the text will be read, for the question's second sentence. */
export type PersonalDataAudience = "group" | "room" | "event";

const audienceWords: Record<PersonalDataAudience, { who: string; verb: string }> = {
  group: { who: "Anyone who can read this group", verb: "Post anyway?" },
  room: { who: "Anyone in this room", verb: "Send anyway?" },
  event: { who: "Anyone who can see this event", verb: "Save anyway?" },
};

/** The kinds as words: "a phone number and an e-mail address". */
export function personalDataWords(kinds: readonly PersonalDataKind[]): string {
  const words = kinds.map((k) => kindWords[k]);
  if (words.length <= 1) return words[0] ?? "personal details";
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/**
 * The gentle question: "This looks like personal information (a phone number and an e-mail
 * address). Anyone who can read this group will see it. Post anyway?"
 */
export function personalDataQuestion(kinds: readonly PersonalDataKind[], audience: PersonalDataAudience = "group"): string {
  const a = audienceWords[audience];
  return `This looks like personal information (${personalDataWords(kinds)}). ${a.who} will see it. ${a.verb}`;
}

/**
 * For writes that don't go through screenContent (event title and description): ask once, unless
 * the author already answered "save anyway". Organizers are asked too: an event's contact line is
 * exactly where a private phone number leaks, and staff can say yes in one step. An event's
 * location field (a venue address, on purpose) and the organization's helplines page are never checked.
 */
export function askAboutPersonalData(texts: (string | undefined)[], confirmed: boolean, audience: PersonalDataAudience): void {
  if (confirmed) return;
  const kinds = findPersonalData(texts.filter(Boolean).join("\n"));
  if (kinds.length > 0) throw NeedsConfirmation(personalDataQuestion(kinds, audience));
}
