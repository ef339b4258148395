import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "~/root";

/** Inside every back-office POST form: the staff session's CSRF token (M21), from the root loader. */
export function StaffFormToken() {
  const token = useRouteLoaderData<typeof rootLoader>("root")?.staffCsrf;
  return token ? <input type="hidden" name="csrf" value={token} /> : null;
}
