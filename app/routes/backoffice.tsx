import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { BackofficeShell, Breadcrumbs } from "~/components/backoffice-shell";
import { loadShell } from "~/services/backoffice/shell.server";
import { getDb } from "~/db.server";

/** The back office's shell around every page: navigation with live counts, search, the member; and the trail. */
export function loader({ request }: LoaderFunctionArgs) {
  return loadShell(getDb(), request);
}

export default function Backoffice() {
  const shell = useLoaderData<typeof loader>();
  return (
    <>
      {shell ? <BackofficeShell shell={shell} /> : null}
      {shell ? (
        <div className="page breadcrumbs-row">
          <Breadcrumbs />
        </div>
      ) : null}
      <Outlet />
    </>
  );
}
