import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/env.server";
import * as benchStatic from "~/routes/bench.static";

function load(): unknown {
  try {
    return benchStatic.loader();
  } catch (thrown) {
    return thrown;
  }
}

describe("/bench/static, the benchmark's minimal page", () => {
  afterEach(() => {
    delete process.env.BENCH_ROUTES;
    resetEnvCache();
  });

  it("does not exist unless BENCH_ROUTES=1", () => {
    for (const value of [undefined, "0"]) {
      if (value === undefined) delete process.env.BENCH_ROUTES;
      else process.env.BENCH_ROUTES = value;
      resetEnvCache();
      const answer = load();
      expect(answer).toBeInstanceOf(Response);
      expect((answer as Response).status).toBe(404);
    }
  });

  it("answers when BENCH_ROUTES=1", () => {
    process.env.BENCH_ROUTES = "1";
    resetEnvCache();
    expect(load()).toBeNull();
  });
});
