import { afterEach, beforeEach, vi } from "vitest";
import "./network-guard";
import { testEnv } from "../support/env";

Object.assign(process.env, testEnv());

// An unexpected console.error is a bug somewhere: fail the test that caused it.
let errorSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errorSpy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    throw new Error(`console.error was called: ${args.map(String).join(" ")}`);
  });
});
afterEach(() => errorSpy.mockRestore());
