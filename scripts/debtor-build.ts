/**
 * The debtor-facing paths (/portal…, /l/…) get request handlers over the routes they can reach, one
 * per first segment. Remix v2 walks the whole route tree several times per request (matching on the
 * server, again in the data router, the route objects for rendering, the partial manifest of lazy
 * discovery), and that walk grows with every route the back office, the API and the webhooks add:
 * with all 62, it was more than half the portal's CPU per request (`npm run bench:portal`, decision
 * 18). Same build, same modules, same root: only the route lists are shorter.
 */
import type { ServerBuild } from "@remix-run/node";

/** First path segments with a handler of their own; every other path goes to the whole app. */
export const DEBTOR_SEGMENTS = ["portal", "l"] as const;
export type DebtorSegment = (typeof DEBTOR_SEGMENTS)[number];

/** Requests for one segment, as pages (/portal, /l/…) and as single-fetch data (/portal.data). */
export function segmentPaths(segment: DebtorSegment): RegExp {
  return new RegExp(`^/${segment}(?:[/.]|$)`, "i");
}

type RouteShape = { id: string; parentId?: string; path?: string };

function fullPath(routes: Record<string, RouteShape | undefined>, id: string): string {
  const route = routes[id];
  if (!route) return "";
  return [route.parentId ? fullPath(routes, route.parentId) : "", route.path ?? ""].filter(Boolean).join("/");
}

/**
 * The ids of the routes a path under `segment` can match: those under it and their ancestors. Throws
 * if a route elsewhere could match such a path too (a dynamic, optional or splat first segment), since
 * the segment's handler would then answer for a route it does not have.
 */
export function segmentRouteIds(routes: Record<string, RouteShape | undefined>, segment: DebtorSegment): Set<string> {
  const ids = new Set<string>();
  for (const id of Object.keys(routes)) {
    const first = fullPath(routes, id).split("/")[0]!.toLowerCase();
    if (first === segment) {
      for (let at: string | undefined = id; at; at = routes[at]?.parentId) ids.add(at);
    } else if (/^[:*]|\?$/.test(first)) {
      throw new Error(`Route ${id} (/${fullPath(routes, id)}) could match /${segment} paths: give it a static first segment, or serve it in scripts/debtor-build.ts`);
    }
  }
  return ids;
}

/** The same build with only one segment's routes, on the server and in the manifest its pages send. */
export function segmentBuild(build: ServerBuild, segment: DebtorSegment): ServerBuild {
  const ids = segmentRouteIds(build.routes, segment);
  const only = <T,>(routes: Record<string, T>) => Object.fromEntries(Object.entries(routes).filter(([id]) => ids.has(id)));
  return { ...build, routes: only(build.routes), assets: { ...build.assets, routes: only(build.assets.routes) } };
}
