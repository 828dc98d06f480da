import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "#db/schema/index";
import { DEFAULT_SHORTCUTS, shortcutSettings } from "#app/lib/shortcuts";
import { savePreferences, saveShortcuts } from "#app/modules/accounts/preferences.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

/** Keyboard shortcut settings (WCAG 2.1.4) kept in users.preferences next to the display preferences. */
describe(`shortcut settings on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const stored = async (id: string) => (await t.app.db.select({ p: users.preferences }).from(users).where(eq(users.id, id)))[0]!.p;
  const form = { enabled: "on", next: "j", previous: "k", reply: "r", firstUnread: "u", help: "?" };

  it("stores remapped keys and the off switch; saving the display preferences keeps them, and the other way round", async () => {
    const m = (await createMember(t.app, "Keys")) as unknown as Viewer;
    expect(shortcutSettings((await stored(m.id)).shortcuts)).toEqual(DEFAULT_SHORTCUTS);

    await saveShortcuts(t.app, m, { ...form, next: "N" });
    expect((await stored(m.id)).shortcuts).toEqual({ enabled: true, keys: { ...DEFAULT_SHORTCUTS.keys, next: "n" } });

    await savePreferences(t.app, m, { textSize: "150", theme: "dark", chatSend: "enter" });
    expect(await stored(m.id)).toMatchObject({ textSize: 150, theme: "dark", shortcuts: { enabled: true, keys: { next: "n" } } });

    await saveShortcuts(t.app, m, { ...form, enabled: undefined });
    expect(await stored(m.id)).toMatchObject({ textSize: 150, theme: "dark", shortcuts: { enabled: false, keys: { next: "j" } } });
  });

  it("refuses duplicates and reserved keys with an error per field, storing nothing", async () => {
    const m = (await createMember(t.app, "Dupes")) as unknown as Viewer;
    const before = await stored(m.id);
    await expect(saveShortcuts(t.app, m, { ...form, help: "j" })).rejects.toMatchObject({
      code: "invalid",
      fieldErrors: { next: [expect.stringMatching(/already used/)], help: [expect.stringMatching(/already used/)] },
    });
    await expect(saveShortcuts(t.app, m, { ...form, reply: "/" })).rejects.toMatchObject({ fieldErrors: { reply: [expect.stringMatching(/kept for the browser/)] } });
    expect(await stored(m.id)).toEqual(before);
  });
});
