import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { matchRoutes } from "@remix-run/react";
// The same function @remix-run/fs-routes calls for app/routes.ts (flatRoutes()), without Vite's context.
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { DEBTOR_SEGMENTS, segmentPaths, segmentRouteIds } from "../../scripts/debtor-build";

type Entry = { id: string; parentId?: string; path?: string; index?: boolean };
type Tree = { id: string; path?: string; index: true } | { id: string; path?: string; index?: false; children: Tree[] };

const ours = { root: { id: "root", path: "" }, ...(flatRoutes(join(__dirname, "../../app")) as Record<string, Entry>) };

function tree(entries: Record<string, Entry>, parentId = "root"): Tree[] {
  return Object.values(entries)
    .filter((e) => e.parentId === parentId)
    .map((e) => (e.index ? { id: e.id, path: e.path, index: true } : { id: e.id, path: e.path, children: tree(entries, e.id) }));
}

function fullPath(id: string): string {
  const entry = ours[id as keyof typeof ours] as Entry;
  return [entry.parentId ? fullPath(entry.parentId) : "", entry.path ?? ""].filter(Boolean).join("/");
}

const matched = (routes: Tree[], path: string) => (matchRoutes(routes, path) ?? []).map((m) => m.route.id);

/**
 * The debtor paths (/portal…, /l/…) are served by handlers over their own routes (scripts/http-server.ts):
 * for any such path each must find exactly what the whole app would.
 */
describe("the debtor handlers' routes", () => {
  const subsets = Object.fromEntries(
    DEBTOR_SEGMENTS.map((segment) => {
      const ids = segmentRouteIds(ours, segment);
      return [segment, Object.fromEntries(Object.entries(ours).filter(([id]) => ids.has(id)))];
    }),
  );

  it("are the portal's and the link landing's, each with the root, and nothing else", () => {
    const portal = segmentRouteIds(ours, "portal");
    const landing = segmentRouteIds(ours, "l");
    for (const id of ["root", "routes/portal", "routes/portal._index", "routes/portal.pay._index", "routes/portal.documents.statement"]) expect(portal.has(id), id).toBe(true);
    expect([...landing].sort()).toEqual(["root", "routes/l.$token", "routes/l.$token.continue"]);
    for (const id of ["routes/_index", "routes/link.new", "routes/privacy", "routes/backoffice", "routes/api.v1.debtors", "routes/webhooks.stripe", "routes/l.$token"]) expect(portal.has(id), id).toBe(false);
    expect(portal.size).toBeLessThan(Object.keys(ours).length / 2);
  });

  it("match every path their handler receives as the whole route tree does", () => {
    const all = tree(ours);
    const paths = Object.keys(ours)
      .map((id) => `/${fullPath(id).replace(/:[^/]+/g, "x1").replace(/\*/g, "x/y")}`)
      .flatMap((path) => [path, `${path}/`, path.toUpperCase(), `${path}/unknown`]);
    for (const segment of DEBTOR_SEGMENTS) {
      const only = tree(subsets[segment]!);
      const received = paths.filter((path) => segmentPaths(segment).test(path));
      expect(received.length, segment).toBeGreaterThan(segment === "l" ? 6 : 40);
      for (const path of received) expect(matched(only, path), path).toEqual(matched(all, path));
    }
  });

  it("take their own paths and their data requests, and leave every other path to the whole app", () => {
    const taken = (path: string) => DEBTOR_SEGMENTS.filter((segment) => segmentPaths(segment).test(path));
    for (const path of ["/portal", "/portal/", "/portal.data", "/PORTAL/pay", "/portal/pay.data"]) expect(taken(path), path).toEqual(["portal"]);
    for (const path of ["/l/abc", "/l/abc.data", "/l/abc/continue", "/L/abc"]) expect(taken(path), path).toEqual(["l"]);
    for (const path of ["/", "/portals", "/link/new", "/privacy", "/__manifest", "/backoffice", "/_root.data", "/l%2fabc"]) expect(taken(path), path).toEqual([]);
  });

  it("refuse a route elsewhere that could match a debtor path too", () => {
    const withSlug = { ...ours, "routes/$slug": { id: "routes/$slug", parentId: "root", path: ":slug" } };
    expect(() => segmentRouteIds(withSlug, "portal")).toThrow(/routes\/\$slug .* could match \/portal paths/);
    const withSplat = { ...ours, "routes/$": { id: "routes/$", parentId: "root", path: "*" } };
    expect(() => segmentRouteIds(withSplat, "l")).toThrow(/could match \/l paths/);
  });
});
