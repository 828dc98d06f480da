import { describe, expect, it } from "vitest";
import { DisplayNameSchema, EmailSchema, PasswordSchema, safeRedirect, SignUpSchema } from "#app/modules/auth/auth.schema";
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
    expect(r.error?.issues.map((i) => i.path[0]).sort()).toEqual(["displayName", "email", "password"]);
  });

  it.each([
    [undefined, "/groups"],
    ["/groups/blepharospasm", "/groups/blepharospasm"],
    ["//evil.example/x", "/groups"],
    ["https://evil.example", "/groups"],
    ["/\\evil.example", "/groups"],
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
    expect(decodeCursor(encodeCursor(["alex", "id1"]), 2)).toEqual(["alex", "id1"]);
    expect(decodeCursor("not base64 json", 2)).toBeNull();
    expect(decodeCursor(encodeCursor(["only one"]), 2)).toBeNull();
    expect(decodeCursor(Buffer.from('[{"x":1},"y"]').toString("base64url"), 2)).toBeNull();
  });
});
