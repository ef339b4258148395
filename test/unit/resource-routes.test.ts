import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Remix gives routes without a page (downloads, webhooks, API) no error hook: each of their loaders
 * and actions must go through `resourceRoute`, or a busy, full or read-only database answers 500.
 */
const ROUTES = join(__dirname, "../../app/routes");

describe("routes without a page", () => {
  const files = readdirSync(ROUTES).filter((f) => f.endsWith(".ts"));

  it("exist (the check below is not vacuous)", () => {
    expect(files.length).toBeGreaterThan(15);
  });

  it.each(files)("%s wraps every loader and action in resourceRoute (or reads no database)", (file) => {
    const source = readFileSync(join(ROUTES, file), "utf8");
    const exported = [...source.matchAll(/export (?:async )?(?:function|const) (loader|action)\b(.*)/g)];
    for (const [, name, rest] of exported) {
      const static_ = file === "api.v1.openapi[.]json.ts";
      if (!static_) expect(rest, `${file}: ${name}`).toMatch(/^ = resourceRoute\(/);
    }
  });
});
