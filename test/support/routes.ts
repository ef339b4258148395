/** The arguments Remix hands a loader or an action, for calling route modules with real Requests. */
export const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

/** What a loader or an action returns or throws (Remix throws redirects and error Responses). */
export async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (thrown) {
    return thrown;
  }
}
