import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef, useState } from "react";
import { passkeyErrorText, runPasskeyCeremony } from "#app/components/passkeys/passkey-client";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { deviceLabel } from "#app/lib/device-label";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { PasskeyActionSchema, PasskeyNameFormSchema, PasskeyRenameSchema } from "#app/modules/accounts/passkeys.schema";
import { listPasskeys, registerPasskey, removePasskey, renamePasskey } from "#app/modules/accounts/passkeys.server";

export const meta: MetaFunction = () => [{ title: "Passkeys — Settings — Hearth" }];

const day = (d: Date) => d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => ({
    passkeys: (await listPasskeys(context.app, viewer)).map((p) => ({
      id: p.id,
      name: p.name,
      added: { iso: p.createdAt.toISOString(), text: day(p.createdAt) },
      lastUsed: p.lastUsedAt ? { iso: p.lastUsedAt.toISOString(), text: day(p.lastUsedAt) } : null,
    })),
    // The default name: what this device is, so the list tells devices apart without typing.
    suggestedName: deviceLabel(request.headers.get("user-agent")),
  }));
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: PasskeyActionSchema });
  // Which form on the page answers: the add form, or one passkey's rename form.
  const which = { form: form.get("intent") === "rename" ? "rename" : "add", key: String(form.get("id") ?? "") };
  if (submission.status !== "success") return formInvalid(submission, { ...which, done: null });
  try {
    const v = submission.value;
    let done: string;
    if (v.intent === "register") {
      await registerPasskey(context.app, viewer, v);
      done = `Passkey "${v.name}" added. You can now sign in with it, without typing.`;
    } else if (v.intent === "rename") {
      await renamePasskey(context.app, viewer, v.id, v.name);
      done = `Passkey renamed to "${v.name}".`;
    } else {
      const removed = await removePasskey(context.app, viewer, v.id);
      done = `Passkey "${removed.name}" removed. Remove it from the device too if you no longer need it.`;
    }
    return json({ ...submission.reply({ resetForm: true }), ...which, done });
  } catch (e) {
    return formFailure(submission, e, [], { ...which, done: null });
  }
}

type ActionData = ReturnType<typeof useActionData<typeof action>>;

function AddPasskey({ suggestedName, last }: { suggestedName: string; last: ActionData }) {
  const busy = useNavigation().state === "submitting";
  const response = useRef<HTMLInputElement>(null);
  const [ceremony, setCeremony] = useState(false);
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const [form, fields] = useForm({
    id: "add-passkey",
    lastResult: last?.form === "add" ? last : null,
    defaultValue: { name: suggestedName },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PasskeyNameFormSchema }),
    ...formTiming,
  });
  const formProps = getFormProps(form);
  return (
    <Form
      method="post"
      {...formProps}
      className="space-y-4"
      onSubmit={(e) => {
        // Second pass (the device has answered): Conform and Remix submit as usual.
        if (response.current?.value) return formProps.onSubmit(e);
        // First pass: a bad name is shown before the device is asked to make a credential.
        if (!PasskeyNameFormSchema.safeParse(Object.fromEntries(new FormData(e.currentTarget))).success) return formProps.onSubmit(e);
        e.preventDefault();
        const el = e.currentTarget;
        setCeremony(true);
        setDeviceError(null);
        runPasskeyCeremony("register")
          .then((json) => {
            if (!response.current) return;
            response.current.value = json;
            el.requestSubmit();
          })
          .catch((err: unknown) => setDeviceError(passkeyErrorText(err)))
          .finally(() => {
            if (response.current) response.current.value = "";
            setCeremony(false);
          });
      }}
    >
      <FormErrors id={form.errorId} errors={deviceError ? [deviceError] : form.errors} />
      <input type="hidden" name="intent" value="register" />
      <input ref={response} type="hidden" name="registrationResponse" defaultValue="" />
      <Field label="Name" meta={fields.name} hint="So you can tell your passkeys apart, e.g. the device that holds it." inputProps={{ maxLength: 60 }} />
      <Button type="submit" disabled={busy || ceremony}>
        {ceremony ? "Waiting for your device…" : busy ? "Adding…" : "Add a passkey"}
      </Button>
    </Form>
  );
}

function PasskeyItem({ passkey, last }: { passkey: ReturnType<typeof useLoaderData<typeof loader>>["passkeys"][number]; last: ActionData }) {
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: `rename-${passkey.id}`,
    lastResult: last?.form === "rename" && last.key === passkey.id ? last : null,
    defaultValue: { intent: "rename", id: passkey.id, name: passkey.name },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PasskeyRenameSchema }),
    ...formTiming,
  });
  return (
    <li className="space-y-3 rounded-lg border-2 border-stone-300 p-4 dark:border-stone-600">
      <h4 className="break-words text-lg font-semibold">{passkey.name}</h4>
      <p>
        Added <time dateTime={passkey.added.iso}>{passkey.added.text}</time>
        {" · "}
        {passkey.lastUsed ? (
          <>
            last used <time dateTime={passkey.lastUsed.iso}>{passkey.lastUsed.text}</time>
          </>
        ) : (
          "not used yet"
        )}
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <Form method="post" {...getFormProps(form)} className="flex flex-wrap items-end gap-3">
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="rename" />
          <input type="hidden" name="id" value={passkey.id} />
          <Field label={`New name for “${passkey.name}”`} meta={fields.name} inputProps={{ maxLength: 60 }} />
          <Button type="submit" variant="secondary" disabled={busy}>
            Rename
          </Button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="id" value={passkey.id} />
          <Button type="submit" variant="danger" disabled={busy}>
            Remove<span className="sr-only"> “{passkey.name}”</span>
          </Button>
        </Form>
      </div>
    </li>
  );
}

export default function Passkeys() {
  const { passkeys, suggestedName } = useLoaderData<typeof loader>();
  const last = useActionData<typeof action>();
  return (
    <section aria-labelledby="passkeys-title" className="max-w-2xl space-y-6">
      <h2 id="passkeys-title" className="text-2xl">
        Passkeys
      </h2>
      <p>
        A passkey lets you sign in with this device&apos;s fingerprint, face, PIN or security key instead of typing your password. Your password keeps
        working too.
      </p>
      <StatusMessage message={last?.done} />
      <section aria-labelledby="add-passkey-title" className="space-y-3">
        <h3 id="add-passkey-title" className="text-xl">
          Add a passkey
        </h3>
        <AddPasskey suggestedName={suggestedName} last={last} />
      </section>
      <section aria-labelledby="your-passkeys-title" className="space-y-3">
        <h3 id="your-passkeys-title" className="text-xl">
          Your passkeys
        </h3>
        {passkeys.length ? (
          <ul className="space-y-4">
            {passkeys.map((p) => (
              <PasskeyItem key={p.id} passkey={p} last={last} />
            ))}
          </ul>
        ) : (
          <p>You have no passkeys yet.</p>
        )}
      </section>
    </section>
  );
}
