import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { Button, buttonClass } from "#app/components/ui/button";
import { actionFailure, actionSuccess, errorReply, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { listExports, requestExport } from "#app/modules/accounts/export/export.server";

export const meta: MetaFunction = () => [{ title: "Your data — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const { exports, refusal } = await listExports(context.app, viewer);
    // The same words the button's answer would give (a daily limit says how long to wait).
    return { exports, blocked: refusal ? errorReply(refusal).message : null };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  await readForm(request);
  const viewer = requireViewer(context, request);
  try {
    await requestExport(context.app, viewer);
    return actionSuccess("We are preparing your data export. We'll e-mail you when it's ready to download (usually within a few minutes).");
  } catch (e) {
    return actionFailure(e);
  }
}

const included = [
  "Your profile: pseudonym, e-mail address, bio, who can see your profile, your preferences, when you joined",
  "Your group memberships",
  "Threads you started, your forum posts and your chat messages (removed ones are marked)",
  "Your reactions, event RSVPs and library bookmarks",
  "Reports you filed, moderation notices about you and your appeals",
  "What you agreed to (terms, privacy notice, health data) and when",
  "Members you have blocked, by pseudonym, and since when",
  "Documents you uploaded to the library",
];

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const when = (iso: string) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

export default function YourData() {
  const { exports, blocked } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="data-title" className="max-w-2xl space-y-6">
      <h2 id="data-title" className="text-2xl">
        Your data
      </h2>
      <p className="text-lg">
        You can download a copy of everything Hearth keeps about you, as a ZIP file of JSON files that other services can read. Other
        people appear in it by their pseudonym only.
      </p>
      <div>
        <h3 className="text-xl">What is included</h3>
        <ul className="mt-2 list-disc space-y-1 pl-6">
          {included.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
      <p>
        Preparing the file takes a few minutes. We e-mail you when it is ready; it can then be downloaded here, while you are signed in, for
        7 days. You can ask for up to 3 exports a day.
      </p>
      {result && result.ok ? <StatusMessage message={result.message} /> : <StatusMessage message={null} />}
      {result && !result.ok ? <FormErrors errors={[result.message]} /> : null}
      <Form method="post">
        <Button type="submit" disabled={busy} aria-describedby={blocked ? "export-blocked" : undefined}>
          {busy ? "Starting…" : "Export my data"}
        </Button>
        {blocked && !result ? (
          <p id="export-blocked" className="mt-2">
            {blocked}
          </p>
        ) : null}
      </Form>
      {exports.length ? (
        <div>
          <h3 className="text-xl">Your exports</h3>
          <ul className="mt-2 space-y-3">
            {exports.map((x, i) => (
              <li key={x.id} className="rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600">
                <p className="font-semibold">Asked for {when(x.createdAt)}</p>
                {x.state === "queued" ? <p>Waiting to be prepared. Reload this page to see its progress.</p> : null}
                {x.state === "running" ? <p>Being prepared. Reload this page to see its progress.</p> : null}
                {x.state === "failed" ? (
                  <div className="space-y-2">
                    <p>Something went wrong while preparing it.</p>
                    {i === 0 && !blocked ? (
                      <Form method="post">
                        <Button type="submit" variant="secondary" disabled={busy}>
                          Try again
                        </Button>
                      </Form>
                    ) : null}
                  </div>
                ) : null}
                {x.state === "expired" ? <p>Expired: the file has been deleted. Ask for a new export if you need one.</p> : null}
                {x.state === "ready" && x.expiresAt ? (
                  <div className="space-y-2">
                    <p>
                      Ready{x.sizeBytes !== null ? `, ${sizeText(x.sizeBytes)}` : ""}. Available until {when(x.expiresAt)}.
                    </p>
                    {/* A plain link: the browser downloads the file (Content-Disposition: attachment). */}
                    <a href={`/settings/data/${x.id}/download`} download className={buttonClass("secondary")}>
                      Download the ZIP file
                    </a>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
