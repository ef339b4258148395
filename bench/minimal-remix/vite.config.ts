/**
 * The yardstick of `npm run bench:portal`: Remix's default template (one root, one route), served by
 * remix-serve, none of our code. Built by the bench from this folder with the top-level node_modules.
 *
 * With MINIMAL_REMIX_ROUTES (a JSON list of `{ id, parentId, path, index }`, the bench writes ours),
 * the same app also carries that route tree, every route an empty `<Outlet />` (app/empty-route.tsx),
 * built into build-with-routes: what a route tree of that size costs the framework on each request.
 */
import { readFileSync } from "node:fs";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

type RouteEntry = { id: string; parentId?: string; path?: string; index?: boolean };
const extraRoutes = process.env.MINIMAL_REMIX_ROUTES ? (JSON.parse(readFileSync(process.env.MINIMAL_REMIX_ROUTES, "utf8")) as RouteEntry[]) : null;

export default defineConfig({
  plugins: [
    remix({
      // The template's flags, which are also ours: the page renders the way the portal's do.
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
      ...(extraRoutes
        ? {
            buildDirectory: "build-with-routes",
            routes: (defineRoutes) =>
              defineRoutes((route) => {
                const under = (parentId: string) => {
                  // Their own index route is left out: "/" stays the template's page.
                  for (const r of extraRoutes.filter((e) => e.parentId === parentId && !(parentId === "root" && isRootIndex(e)))) {
                    route(r.path, "empty-route.tsx", { id: `mirrored/${r.id}`, index: r.index }, () => under(r.id));
                  }
                };
                under("root");
              }),
          }
        : {}),
    }),
  ],
  build: { target: "es2022" },
});

function isRootIndex(entry: RouteEntry): boolean {
  return Boolean(entry.index) && !entry.path;
}
