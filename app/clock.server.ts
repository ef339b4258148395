import { getEnv } from "./env.server";

/** The web server's clock. Only tests and demos freeze it (TEST_FIXED_NOW). */
export function now(): Date {
  const fixed = getEnv().TEST_FIXED_NOW;
  return fixed ? new Date(fixed) : new Date();
}
