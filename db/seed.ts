import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./client";
import { groupMemberships, groups, organizationMembers, organizations, users } from "./schema/index";
import { seedChat } from "./seed-chat";
import { seedEvents } from "./seed-events";
import { seedForums } from "./seed-forums";
import { seedLibrary } from "./seed-library";
// The seed is a script, not schema: it reuses the app's password hashing so demo accounts are
// hashed exactly like real ones (the one exception to "db/ imports no app code").
import { hashPassword } from "../app/lib/password.server";
// Likewise the look-alike key, so nobody can register a demo person's look-alike name.
import { displayNameSkeleton } from "../app/modules/accounts/display-name.server";

export const DEMO_PASSWORD = "hearth-demo-password";
export const DEMO_DOMAIN = "demo.hearth.test";

const ORG_ID = "demo-org";
const demoUsers = [
  { id: "demo-morgan", name: "Morgan (organizer)", role: "admin" as const },
  { id: "demo-sam", name: "Sam the moderator", role: "member" as const },
  { id: "demo-alex", name: "Alex", role: "member" as const },
  { id: "demo-robin", name: "Robin", role: "member" as const },
  { id: "demo-kit", name: "Kit", role: "member" as const },
];
export const demoEmail = (id: string) => `${id.replace("demo-", "")}@${DEMO_DOMAIN}`;

const demoGroups = [
  {
    id: "demo-group-cervical",
    slug: "cervical-dystonia",
    name: "Cervical dystonia",
    description:
      "For people whose neck muscles pull, turn or tilt the head. Share what helps with pain, posture, botulinum toxin appointments and everyday life.",
    rules:
      "- Talk about the neck and shoulders as much as you like: pain, posture, botulinum toxin appointments, physical therapy.\n- Share your own experience, not medical advice: treatments that help one person may not help another, so talk decisions over with your care team.\n- Be kind. Symptoms are visible and often misunderstood; nobody here has to explain or justify them.\n- Keep what others share inside the group. Use only the name people chose here.",
    visibility: "public" as const,
    joinPolicy: "open" as const,
    // The one demo group whose forum visitors can read (e2e specs read it signed out).
    forumPublic: true,
  },
  {
    id: "demo-group-blepharospasm",
    slug: "blepharospasm",
    name: "Blepharospasm",
    description:
      "Eyelid spasms and forced blinking: swap tips on light sensitivity, reading, driving and treatment, at your own pace.",
    rules:
      "- Eyelid spasms make screens hard: keep posts short and use headings, so everyone can read at their own pace.\n- Share your own experience, not medical advice: treatments that help one person may not help another, so talk decisions over with your care team.\n- Be kind. Symptoms are visible and often misunderstood; nobody here has to explain or justify them.\n- Keep what others share inside the group. Use only the name people chose here.",
    visibility: "public" as const,
    joinPolicy: "open" as const,
    // Its forum is for members (issue 15): only cervical-dystonia stays readable by visitors.
    forumPublic: false,
  },
  {
    id: "demo-group-hand",
    slug: "writers-cramp",
    name: "Writer's cramp & focal hand dystonia",
    description:
      "Hand and arm dystonia, including writer's and musician's cramp. Adaptive tools, occupational therapy and work adjustments.",
    rules:
      "- Hand and arm dystonia makes typing tiring: short replies are welcome, and so are voice-typed ones with their typos.\n- Share your own experience, not medical advice: treatments that help one person may not help another, so talk decisions over with your care team.\n- Be kind. Symptoms are visible and often misunderstood; nobody here has to explain or justify them.\n- Keep what others share inside the group. Use only the name people chose here.",
    visibility: "public" as const,
    joinPolicy: "open" as const,
    // Its forum is for members (issue 15): only cervical-dystonia stays readable by visitors.
    forumPublic: false,
  },
  {
    id: "demo-group-carers",
    slug: "carers-and-family",
    name: "Carers & family",
    description:
      "A private space for partners, parents, children and friends who support someone with dystonia. A moderator approves each request to join.",
    rules:
      "- This is a space for the people who support someone with dystonia. Speak about your own experience as a carer.\n- What is said here stays here: nothing posted here leaves the group.\n- Be gentle with each other. Caring is tiring, and every family finds its own way.",
    visibility: "private" as const,
    joinPolicy: "approval" as const,
  },
];

/**
 * The demo community. Idempotent: every row has a fixed key and is inserted with
 * ON CONFLICT DO NOTHING, so running it twice (or on every start) changes nothing.
 */
export async function seedDemo(db: Database): Promise<{ created: boolean }> {
  const created = await db
    .insert(organizations)
    .values({
      id: ORG_ID,
      slug: "dystonia-together",
      name: "Dystonia Together Network",
      description:
        "A fictional patient organization run by people living with dystonia and their carers. We host the groups here, organize meetups and keep a reviewed resource library.",
      website: "https://example.org/dystonia-together",
      verifiedAt: new Date("2026-01-15T12:00:00Z"),
    })
    .onConflictDoNothing()
    .returning({ id: organizations.id });

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db
    .insert(users)
    .values(
      demoUsers.map((u) => ({ id: u.id, email: demoEmail(u.id), passwordHash, displayName: u.name, displayNameSkeleton: displayNameSkeleton(u.name), siteRole: u.role, emailVerifiedAt: new Date() })),
    )
    .onConflictDoNothing();

  await db.insert(organizationMembers).values({ organizationId: ORG_ID, userId: "demo-morgan", role: "owner" }).onConflictDoNothing();
  await db.insert(groups).values(demoGroups.map((g) => ({ ...g, organizationId: ORG_ID }))).onConflictDoNothing();

  const memberships = [
    ...demoGroups.map((g) => ({ groupId: g.id, userId: "demo-sam", role: "moderator" as const })),
    { groupId: "demo-group-cervical", userId: "demo-alex", role: "member" as const },
    { groupId: "demo-group-blepharospasm", userId: "demo-alex", role: "member" as const },
    { groupId: "demo-group-cervical", userId: "demo-robin", role: "member" as const },
    { groupId: "demo-group-carers", userId: "demo-robin", role: "member" as const },
    { groupId: "demo-group-hand", userId: "demo-kit", role: "member" as const },
  ];
  await db.insert(groupMemberships).values(memberships.map((m) => ({ ...m, status: "active" as const }))).onConflictDoNothing();
  await seedForums(db);
  await seedChat(db);
  await seedEvents(db);
  await seedLibrary(db);
  return { created: created.length > 0 };
}

export function demoSignInHelp(): string {
  const who = demoUsers.map((u) => `${demoEmail(u.id)} (${u.name})`).join(", ");
  return `Demo sign-in: any of ${who} with password "${DEMO_PASSWORD}".`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { loadConfig } = await import("../app/lib/config.server");
  const { openConfiguredDatabase } = await import("./open");
  const { migrate } = await import("./migrate");
  const handle = await openConfiguredDatabase(loadConfig());
  await migrate(handle);
  const { created } = await seedDemo(handle.db);
  console.log(created ? "Demo community seeded." : "Demo community already present; nothing changed.");
  console.log(demoSignInHelp());
  await handle.close();
}
