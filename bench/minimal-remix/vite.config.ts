/**
 * The yardstick of `npm run bench:portal`: Remix's default template (one root, one route), served by
 * remix-serve, none of our code. Built by the bench from this folder with the top-level node_modules.
 */
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

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
    }),
  ],
  build: { target: "es2022" },
});
