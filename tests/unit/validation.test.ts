import { describe, expect, it } from "vitest";
import { DisplayNameSchema, EmailSchema, PasswordSchema, SignUpSchema } from "#app/modules/auth/auth.schema";
import { safeRedirect } from "#app/lib/redirect";
import { GroupSlugSchema, MembershipIntentSchema } from "#app/modules/groups/groups.schema";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

describe("auth schemas", () => {
  it("normalizes email to lower case and trims it", () => {
    expect(EmailSchema.parse("  Alex@Example.ORG ")).toBe("alex@example.org");
  });

  it.each(["", "not-an-email", "a@", `${"x".repeat(250)}@example.org`, "<script>@x.y"])("rejects email %j", (v) => {
    expect(EmailSchema.safeParse(v).success).toBe(false);
  });

  it("accepts passwords from 8 to 256 characters, with no composition rules", () => {
    expect(PasswordSchema.safeParse("abcdefgh").success).toBe(true);
    expect(PasswordSchema.safeParse("a".repeat(256)).success).toBe(true);
    expect(messages(PasswordSchema.safeParse("short"))).toEqual(["Use at least 8 characters."]);
    expect(PasswordSchema.safeParse("a".repeat(257)).success).toBe(false);
  });

  it.each(["Alex", "Robin K.", "Zoë_22", "Mary-Jane O'Neil", "小明同学"])("accepts display name %j", (v) => {
    expect(DisplayNameSchema.safeParse(v).success).toBe(true);
  });

  it.each(["ab", "x".repeat(33), "<script>", "' OR 1=1 --", "a@b.c", " _lead", "two  spaces"])("rejects display name %j", (v) => {
    expect(DisplayNameSchema.safeParse(v).success).toBe(false);
  });

  it("reports every invalid sign-up field at once", () => {
    const r = SignUpSchema.safeParse({ email: "nope", password: "123", displayName: "x" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path[0]).sort()).toEqual(["consentHealthData", "consentTerms", "displayName", "email", "password"]);
  });

  it.each([
    [undefined, "/groups"],
    ["/groups/blepharospasm", "/groups/blepharospasm"],
    ["//evil.example/x", "/groups"],
    ["https://evil.example", "/groups"],
    ["/\\evil.example", "/groups"],
    // What the browser makes of it: tabs and newlines dropped, backslashes as slashes.
    ["/\t/evil.example/x", "/groups"],
    ["/\n/evil.example", "/groups"],
    ["\\\\evil.example", "/groups"],
    ["/.//evil.example", "/groups"],
    ["javascript:alert(1)", "/groups"],
    ["http://hearth.invalid/x", "/groups"],
    // Characters a Location header can't carry are percent-encoded, never a 500.
    ["/groups/ज?q=\u2028#ü", "/groups/%E0%A4%9C?q=%E2%80%A8#%C3%BC"],
  ])("safeRedirect(%j) → %j", (input, out) => {
    expect(safeRedirect(input)).toBe(out);
  });
});

describe("group schemas", () => {
  it("accepts only lower-case slugs", () => {
    expect(GroupSlugSchema.safeParse("cervical-dystonia").success).toBe(true);
    expect(GroupSlugSchema.safeParse("../etc/passwd").success).toBe(false);
    expect(GroupSlugSchema.safeParse("A").success).toBe(false);
  });

  it("requires a user id for approve/decline and rejects unknown intents", () => {
    expect(MembershipIntentSchema.safeParse({ intent: "approve" }).success).toBe(false);
    expect(MembershipIntentSchema.safeParse({ intent: "approve", userId: "u1" }).success).toBe(true);
    expect(MembershipIntentSchema.safeParse({ intent: "delete-everything" }).success).toBe(false);
  });
});

describe("cursors", () => {
  it("round-trips and rejects tampering", () => {
    expect(decodeCursor(encodeCursor(["alex", "id1"]), ["text", "text"])).toEqual(["alex", "id1"]);
    expect(decodeCursor("not base64 json", ["text", "text"])).toBeNull();
    expect(decodeCursor(encodeCursor(["only one"]), ["text", "text"])).toBeNull();
    expect(decodeCursor(Buffer.from('[{"x":1},"y"]').toString("base64url"), ["text", "text"])).toBeNull();
    // Each part must have the type the query expects: a bad timestamp would fail in SQL (a 500).
    expect(decodeCursor(encodeCursor(["2026-01-02T03:04:05.123456Z", "id1"]), ["time", "text"])).toEqual(["2026-01-02T03:04:05.123456Z", "id1"]);
    expect(decodeCursor(encodeCursor(["garbage", "id1"]), ["time", "text"])).toBeNull();
    expect(decodeCursor(encodeCursor(["2026-13-45T99:00:00Z", "id1"]), ["time", "text"])).toBeNull();
    expect(decodeCursor(encodeCursor(["a\u0000b", "id1"]), ["text", "text"])).toBeNull();
    expect(decodeCursor(encodeCursor([2, "2026-01-02T03:04:05Z", "id"]), ["flag", "time", "text"])).toBeNull();
    expect(decodeCursor(encodeCursor(["1e999", "id"]), ["number", "text"])).toBeNull();
  });
});
