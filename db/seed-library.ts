import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "./client";
import { resources } from "./schema/index";

const ORG_ID = "demo-org";
const NOT_ADVICE =
  "*This guide is general information written by volunteers, not medical advice. Talk to your neurologist or care team before you start, stop or change any treatment.*";

/**
 * The demo library: the three organizations the seed article recommends, as external links with
 * summaries written for Hearth, and two guides written for Hearth that summarise the article's themes.
 * Idempotent: fixed ids, ON CONFLICT DO NOTHING.
 */
export async function seedLibrary(db: Database): Promise<void> {
  const reviewedAt = new Date();
  await db
    .insert(resources)
    .values([
      {
        id: "demo-resource-dmrf",
        organizationId: ORG_ID,
        kind: "link",
        category: "support",
        title: "Dystonia Medical Research Foundation",
        url: "https://dystonia-foundation.org",
        summary:
          "The largest charity dedicated to dystonia. Clear explanations of each form of dystonia and its treatments, news about research it funds, and a directory of support groups. A good first stop after a diagnosis.",
        tags: ["research", "support groups", "diagnosis"],
        reviewedAt,
        reviewedBy: "demo-morgan",
        createdBy: "demo-morgan",
      },
      {
        id: "demo-resource-ninds",
        organizationId: ORG_ID,
        kind: "link",
        category: "understanding",
        title: "NINDS: Dystonia",
        url: "https://www.ninds.nih.gov/health-information/disorders/dystonia",
        summary:
          "The US National Institute of Neurological Disorders and Stroke explains what dystonia is, its types and causes, how it is diagnosed and treated, and which research is under way, in plain, carefully checked language.",
        tags: ["diagnosis", "research", "types of dystonia"],
        // Last reviewed 13 months ago: the demo's organization has one resource overdue on its library upkeep page.
        reviewedAt: new Date(reviewedAt.getTime() - 395 * 86_400_000),
        reviewedBy: "demo-morgan",
        createdBy: "demo-morgan",
      },
      {
        id: "demo-resource-aans-dbs",
        organizationId: ORG_ID,
        kind: "link",
        category: "surgery",
        title: "Deep brain stimulation (American Association of Neurological Surgeons)",
        url: "https://www.aans.org/patients/conditions-treatments/deep-brain-stimulation/",
        summary:
          "Neurosurgeons describe deep brain stimulation: who may be a candidate, what happens before, during and after surgery, and the risks to weigh. Useful to read before a first appointment with a surgical team.",
        tags: ["dbs", "surgery"],
        reviewedAt,
        reviewedBy: "demo-morgan",
        createdBy: "demo-morgan",
      },
      {
        id: "demo-resource-guide-treatments",
        organizationId: ORG_ID,
        kind: "guide",
        category: "medications",
        title: "Treatment options for dystonia: an overview",
        summary: "Medicines, physical therapy, deep brain stimulation and the research to watch, in one short read to help you prepare questions for your care team.",
        body: [
          NOT_ADVICE,
          "There is no cure for dystonia yet, but there are several ways to ease its symptoms. Most people use more than one, and what works varies a lot from person to person.",
          "**Medicines.** Often the first thing tried. They include anticholinergics, muscle relaxants and medicines that act on brain chemicals such as dopamine. They help some people a lot and others little, and side effects can take time to sort out, so keep a note of what you notice and share it at appointments.",
          "**Physical and occupational therapy.** Exercise programmes shaped for you can improve movement, loosen stiff muscles and ease pain. Occupational therapists help with everyday tasks: writing, cooking, working at a desk, using a phone.",
          "**Deep brain stimulation (DBS).** For some people with severe dystonia, surgeons implant a device that sends small electrical pulses to specific areas of the brain. Better imaging and tools have made it more precise, but it carries real risks and is not right for everyone.",
          "**Emerging therapies.** Researchers are working on more targeted medicines with fewer side effects, gene therapy for some inherited forms, and wearables and apps that track symptoms so treatment can be tuned to you.",
          "Questions to take to your next appointment:\n\n- Which of these options fit my kind of dystonia?\n- What should I expect in the first months, and how will we know it is working?\n- Who else should be part of my care team?",
        ].join("\n\n"),
        tags: ["medications", "physical therapy", "dbs", "research"],
        reviewedAt,
        reviewedBy: "demo-morgan",
        createdBy: "demo-morgan",
      },
      {
        id: "demo-resource-guide-care-team",
        organizationId: ORG_ID,
        kind: "guide",
        category: "support",
        title: "Building your care team, and why support groups matter",
        summary: "Dystonia is best managed by several people working together, including you. How a care team fits together, and what peer support adds.",
        body: [
          NOT_ADVICE,
          "Dystonia touches movement, pain, sleep, work and mood, so one specialist rarely covers it all. A good plan usually combines medicines, therapy and sometimes surgery, with the people behind them talking to each other.",
          "**Who may be on your team:**\n\n- a neurologist, ideally one who specialises in movement disorders;\n- a physiotherapist and an occupational therapist;\n- your family doctor, who helps hold everything together;\n- where it helps, a counsellor or psychologist: living with a visible condition is tiring, and that is not a weakness.",
          "**Learning about your condition** makes appointments easier: you know which questions to ask and can notice what changes.",
          "**Support groups and patient organizations** offer information, practical tips and people who understand without explanations. Groups here on Hearth are run with patient organizations and moderated, and you can take part under a pseudonym, at your own pace.",
        ].join("\n\n"),
        tags: ["support groups", "care team", "physical therapy"],
        reviewedAt,
        reviewedBy: "demo-morgan",
        createdBy: "demo-morgan",
      },
    ])
    .onConflictDoNothing();
  // The demo's links count as checked when seeded: the weekly link check (which a test run can't let reach the internet) leaves them for a week.
  await db
    .update(resources)
    .set({ linkCheckedAt: reviewedAt, linkStatus: "ok" })
    .where(and(eq(resources.organizationId, ORG_ID), eq(resources.kind, "link"), isNull(resources.linkCheckedAt)));
}
