import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { matchRoutes } from "@remix-run/react";
// The same function @remix-run/fs-routes calls for app/routes.ts (flatRoutes()), without Vite's context.
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { DEBTOR_PATHS, debtorRouteIds } from "../../scripts/debtor-build";

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
 * The debtor paths (/portal…, /l/…) are served by a handler over their own routes (scripts/http-server.ts):
 * for any such path it must find exactly what the whole app would.
 */
describe("the debtor handler's routes", () => {
  const ids = debtorRouteIds(ours);
  const subset = Object.fromEntries(Object.entries(ours).filter(([id]) => ids.has(id)));

  it("are the portal's and the link landing's, with the root, and nothing else", () => {
    expect(ids.has("root")).toBe(true);
    for (const id of ["routes/portal", "routes/portal._index", "routes/portal.pay._index", "routes/l.$token", "routes/l.$token.continue"]) expect(ids.has(id)).toBe(true);
    for (const id of ["routes/_index", "routes/link.new", "routes/privacy", "routes/backoffice", "routes/api.v1.debtors", "routes/webhooks.stripe"]) expect(ids.has(id)).toBe(false);
    expect(ids.size).toBeLessThan(Object.keys(ours).length / 2);
  });

  it("match every path the debtor handler receives as the whole route tree does", () => {
    const all = tree(ours);
    const only = tree(subset);
    const paths = Object.keys(ours)
      .map((id) => `/${fullPath(id).replace(/:[^/]+/g, "x1").replace(/\*/g, "x/y")}`)
      .flatMap((path) => [path, `${path}/`, path.toUpperCase(), `${path}/unknown`]);
    const debtorPaths = paths.filter((path) => DEBTOR_PATHS.test(path));
    expect(debtorPaths.length).toBeGreaterThan(40);
    for (const path of debtorPaths) expect(matched(only, path), path).toEqual(matched(all, path));
  });

  it("take their own paths and their data requests, and leave every other path to the whole app", () => {
    for (const path of ["/portal", "/portal/", "/portal.data", "/PORTAL/pay", "/portal/pay.data", "/l/abc", "/l/abc.data", "/l/abc/continue"]) expect(DEBTOR_PATHS.test(path), path).toBe(true);
    for (const path of ["/", "/portals", "/link/new", "/privacy", "/__manifest", "/backoffice", "/_root.data", "/l%2fabc"]) expect(DEBTOR_PATHS.test(path), path).toBe(false);
  });

  it("refuse a route elsewhere that could match a debtor path too", () => {
    const withSlug = { ...ours, "routes/$slug": { id: "routes/$slug", parentId: "root", path: ":slug" } };
    expect(() => debtorRouteIds(withSlug)).toThrow(/routes\/\$slug .* could match \/portal or \/l paths/);
    const withSplat = { ...ours, "routes/$": { id: "routes/$", parentId: "root", path: "*" } };
    expect(() => debtorRouteIds(withSplat)).toThrow(/could match/);
  });
});
