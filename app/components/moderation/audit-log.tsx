import { Form, Link } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { inputClass } from "#app/components/ui/field";
import { When } from "./when";

export interface AuditEntry {
  id: string;
  action: string;
  targetType: string;
  reason: string;
  createdAt: string;
  actorName: string | null;
  subjectName: string | null;
  groupName: string | null;
}

/** Filters (a GET form, so filtered views can be bookmarked) and the log as a table: who, what, to whom, why, when. */
export function AuditLog({
  entries,
  filter,
  nextHref,
}: {
  entries: AuditEntry[];
  filter: { action: string; actor: string; subject: string; group: string };
  nextHref: string | null;
}) {
  return (
    <div className="space-y-6">
      <Form method="get" className="grid gap-4 rounded-xl border-2 border-stone-300 p-4 sm:grid-cols-2 dark:border-stone-600" aria-label="Filter the audit log">
        <div className="flex flex-col gap-1">
          <label htmlFor="audit-action" className="font-semibold">
            Action starts with
          </label>
          <input id="audit-action" name="action" defaultValue={filter.action} placeholder="post.remove" className={inputClass()} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="audit-actor" className="font-semibold">
            Done by (display name)
          </label>
          <input id="audit-actor" name="actor" defaultValue={filter.actor} className={inputClass()} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="audit-subject" className="font-semibold">
            Concerning (display name)
          </label>
          <input id="audit-subject" name="subject" defaultValue={filter.subject} className={inputClass()} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="audit-group" className="font-semibold">
            Group address
          </label>
          <input id="audit-group" name="group" defaultValue={filter.group} placeholder="cervical-dystonia" className={inputClass()} />
        </div>
        <div className="flex gap-3">
          <Button type="submit">Filter</Button>
          <Link to="?" className="inline-flex min-h-11 items-center">
            Clear filters
          </Link>
        </div>
      </Form>
      {entries.length === 0 ? (
        <p>No entries match.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">Moderation actions, newest first</caption>
            <thead>
              <tr className="border-b-2 border-stone-400">
                <th scope="col" className="p-2">When</th>
                <th scope="col" className="p-2">Who</th>
                <th scope="col" className="p-2">What</th>
                <th scope="col" className="p-2">To whom</th>
                <th scope="col" className="p-2">Why</th>
                <th scope="col" className="p-2">Where</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} className="border-b border-stone-300 align-top dark:border-stone-700" data-testid="audit-entry">
                  <td className="p-2 whitespace-nowrap">
                    <When iso={e.createdAt} />
                  </td>
                  <td className="p-2">{e.actorName ?? "(deleted account)"}</td>
                  <td className="p-2">
                    <code>{e.action}</code> <span className="text-sm">({e.targetType.replace("_", " ")})</span>
                  </td>
                  <td className="p-2">{e.subjectName ?? "—"}</td>
                  <td className="p-2 whitespace-pre-wrap">{e.reason || "—"}</td>
                  <td className="p-2">{e.groupName ?? "Site-wide"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextHref ? (
        <p>
          <Link to={nextHref} className="inline-flex min-h-11 items-center">
            Older entries
          </Link>
        </p>
      ) : null}
    </div>
  );
}
