import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { LegalDocumentPage } from "#app/components/legal-document";
import { loaderWork } from "#app/lib/http.server";
import { loadLegalDocument } from "#app/modules/accounts/legal.server";

export const meta: MetaFunction = () => [{ title: "Terms of use — Hearth" }];

/** The site admin's DATA_DIR/legal/terms.md, or the default text (content/legal/terms.md). */
export async function loader({ context }: LoaderFunctionArgs) {
  return loaderWork(async () => {
    const { title, version, updated, html } = await loadLegalDocument(context.app, "terms");
    return { doc: { title, version, updated, html } };
  });
}

export default function TermsPage() {
  const { doc } = useLoaderData<typeof loader>();
  return <LegalDocumentPage doc={doc} />;
}
