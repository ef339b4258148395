import type { MetaFunction } from "@remix-run/node";
import { getEnv } from "~/env.server";

/**
 * The yardstick of `npm run bench:portal`: a page through the same server, root and layout as the
 * portal, with no session, no query and no words to look up. Off (404) unless BENCH_ROUTES=1.
 */
export const meta: MetaFunction = () => [{ title: "Relance" }, { name: "robots", content: "noindex" }];

export function loader() {
  if (getEnv().BENCH_ROUTES !== "1") throw new Response("Not found", { status: 404 });
  return null;
}

export default function BenchStatic() {
  return (
    <main className="page narrow">
      <h1>Relance</h1>
      <p>Une page fixe, pour mesurer.</p>
    </main>
  );
}
