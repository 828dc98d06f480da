// No layout: the document only, so the baseline measures Remix itself (issue 17).
import { Outlet, Scripts } from "@remix-run/react";

export default function Root() {
  return (
    <html lang="en">
      <body>
        <Outlet />
        <Scripts />
      </body>
    </html>
  );
}
