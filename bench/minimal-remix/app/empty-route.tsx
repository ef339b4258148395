import { Outlet } from "@remix-run/react";

/** Every route of the mirrored tree (vite.config.ts, MINIMAL_REMIX_ROUTES): nothing but its children. */
export default function EmptyRoute() {
  return <Outlet />;
}
