import type { Database } from "./client";
import { posts, reactions, threads } from "./schema/index";

/**
 * Demo forum threads, written as members' own posts (drawing on the topics of the project's seed
 * article: living with cervical dystonia, physical therapy, deep brain stimulation). Idempotent like
 * seedDemo: fixed ids and ON CONFLICT DO NOTHING.
 */

type SeedPost = { author: string; at: string; body: string };
type SeedThread = {
  id: string;
  group: string;
  title: string;
  pinned?: boolean;
  posts: SeedPost[];
  reactions?: { post: number; user: string; kind: "helpful" | "hug" | "same_here" }[];
};

const seedThreads: SeedThread[] = [
  {
    id: "demo-thread-welcome",
    group: "demo-group-cervical",
    title: "Welcome: how this forum works (please read)",
    pinned: true,
    posts: [
      {
        author: "demo-sam",
        at: "2026-09-01T09:00:00Z",
        body: `Hello and welcome! A few things that keep this place kind and useful:

- **Share your own experience.** What helped you may not help someone else, and nothing here replaces your care team.
- **Be gentle.** Many of us type slowly or with pain, so short posts are absolutely fine.
- If a post worries you, use **Report** under it. A moderator will look at it.

Take your time, and say hello whenever you feel like it.`,
      },
    ],
  },
  {
    id: "demo-thread-daily-life",
    group: "demo-group-cervical",
    title: "Living with cervical dystonia: what does an ordinary day look like for you?",
    posts: [
      {
        author: "demo-robin",
        at: "2026-10-06T07:40:00Z",
        body: `I was diagnosed two years ago, after a long time of being told it was "just stress". My head pulls to the left and tilts, mostly in the afternoon.

Mornings are my good hours, so I try to do anything that needs concentration before lunch. By evening I'm tired from holding my head straight all day, and the pain sits between my shoulder blades.

How do your days go? I'd love to hear what routines or small tricks make things easier.`,
      },
      {
        author: "demo-alex",
        at: "2026-10-06T12:15:00Z",
        body: `Very similar here, except mine turns right. A few things that help me:

1. A high-backed chair at work so I can rest my head against it.
2. Touching my chin lightly (a "sensory trick") calms the pull for a while. It looks odd, but it works.
3. Planning errands for mornings and saying no to late plans without feeling guilty.

The tiredness is the part people don't see.`,
      },
      {
        author: "demo-sam",
        at: "2026-10-07T08:30:00Z",
        body: `The tiredness is real: you are using muscles all day just to look straight ahead. Several members have mentioned that a warm compress in the evening helps with the shoulder pain.`,
      },
    ],
    reactions: [
      { post: 0, user: "demo-alex", kind: "same_here" },
      { post: 0, user: "demo-sam", kind: "hug" },
      { post: 1, user: "demo-robin", kind: "helpful" },
    ],
  },
  {
    id: "demo-thread-physio",
    group: "demo-group-cervical",
    title: "Physical therapy: what actually helped you?",
    posts: [
      {
        author: "demo-alex",
        at: "2026-10-20T10:05:00Z",
        body: `My neurologist suggested physiotherapy alongside my injections. I was sceptical, because my first physio treated it like an ordinary stiff neck and the stretches made the spasms worse.

The second one had worked with movement disorders before. We do slow, gentle exercises for the muscles *opposite* the pull, some posture work, and a short routine I can do at home in ten minutes. After about two months the pain is noticeably lower.

Has anyone else found a physio who understands dystonia? What did your sessions involve?`,
      },
      {
        author: "demo-robin",
        at: "2026-10-21T16:45:00Z",
        body: `Yes! Mine also said to avoid forcing the head into position. We use a mirror so I can see when I'm drifting, and she gave me exercises I can do lying down on bad days.

My tip: ask at the first appointment whether they've treated dystonia before. It saved me months.`,
      },
      {
        author: "demo-morgan",
        at: "2026-10-22T09:00:00Z",
        body: `Thank you both. Our network keeps a list of physiotherapists and occupational therapists that members have recommended; ask in the group if you'd like a name near you. An occupational therapist can also help with your desk, car and kitchen set-up.`,
      },
    ],
    reactions: [
      { post: 0, user: "demo-robin", kind: "same_here" },
      { post: 1, user: "demo-alex", kind: "helpful" },
      { post: 2, user: "demo-alex", kind: "helpful" },
    ],
  },
  {
    id: "demo-thread-dbs",
    group: "demo-group-cervical",
    title: "Questions about deep brain stimulation (DBS)",
    posts: [
      {
        author: "demo-robin",
        at: "2026-11-10T18:20:00Z",
        body: `My specialist mentioned deep brain stimulation as a possibility, because the injections work less well for me than they used to. I understand it means a device that sends small electrical pulses to part of the brain, but I have lots of questions:

- How long did the assessment take before you were accepted?
- Was the recovery from surgery hard?
- How long before you noticed a difference?

I'm not deciding anything yet, just trying to understand what I'd be signing up for.`,
      },
      {
        author: "demo-alex",
        at: "2026-11-11T09:10:00Z",
        body: `I haven't had it, but a friend from my old support group did. She said the surgery itself was less frightening than she expected; the long part was the months of adjusting the settings afterwards, and the improvement came gradually rather than overnight.

It's worth writing your questions down for the neurosurgery team. They are used to long lists.`,
      },
      {
        author: "demo-morgan",
        at: "2026-11-12T11:30:00Z",
        body: `A good question to bring: which kinds of dystonia respond best at *their* centre, and what the risks are for you personally. We hold an online Q&A with a DBS nurse now and then, so watch the events page.`,
      },
    ],
    reactions: [
      { post: 0, user: "demo-alex", kind: "hug" },
      { post: 1, user: "demo-robin", kind: "helpful" },
    ],
  },
  {
    id: "demo-thread-pens",
    group: "demo-group-hand",
    title: "Adaptive pens and typing tricks for writer's cramp",
    posts: [
      {
        author: "demo-kit",
        at: "2026-11-02T14:00:00Z",
        body: `After ten minutes of writing my fingers curl and the pen digs into my palm. Things that helped me so far:

- A thick, soft foam grip over an ordinary pen.
- Voice typing for anything longer than a shopping list.
- Switching hands for simple things like stirring.

What tools or settings work for you?`,
      },
      {
        author: "demo-sam",
        at: "2026-11-03T10:00:00Z",
        body: `Several members swear by the keyboard's "sticky keys" setting, so you never have to hold two keys at once. Worth a try if shortcuts hurt.`,
      },
    ],
    reactions: [{ post: 1, user: "demo-kit", kind: "helpful" }],
  },
  {
    id: "demo-thread-carers",
    group: "demo-group-carers",
    title: "Supporting my dad after his diagnosis",
    posts: [
      {
        author: "demo-robin",
        at: "2026-11-15T20:00:00Z",
        body: `My dad was diagnosed last month and he's finding it hard to talk about. I don't want to push, but I don't want him to feel alone either. How did you start those conversations?`,
      },
      {
        author: "demo-sam",
        at: "2026-11-16T08:15:00Z",
        body: `You being here already helps. Some members found it easier to offer practical help first (lifts to appointments, sitting in on one) and let the talking come later.`,
      },
    ],
  },
];

export async function seedForums(db: Database): Promise<void> {
  for (const t of seedThreads) {
    const first = t.posts[0]!;
    const last = t.posts.at(-1)!;
    await db
      .insert(threads)
      .values({
        id: t.id,
        groupId: t.group,
        authorId: first.author,
        title: t.title,
        pinned: t.pinned ?? false,
        replyCount: t.posts.length - 1,
        createdAt: new Date(first.at),
        lastActivityAt: new Date(last.at),
      })
      .onConflictDoNothing();
    await db
      .insert(posts)
      .values(
        t.posts.map((p, i) => ({
          id: `${t.id}-post-${i}`,
          threadId: t.id,
          authorId: p.author,
          isOpening: i === 0,
          body: p.body,
          createdAt: new Date(p.at),
        })),
      )
      .onConflictDoNothing();
    if (t.reactions?.length) {
      await db
        .insert(reactions)
        .values(t.reactions.map((r) => ({ postId: `${t.id}-post-${r.post}`, userId: r.user, kind: r.kind })))
        .onConflictDoNothing();
    }
  }
}
