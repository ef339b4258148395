import { formTokenFor } from "~/services/http/http.server";
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

/**
 * The CSRF token the back office's pages give the holder of this Cookie header (the root loader's
 * `staffCsrf`), worked out synchronously so request builders stay plain functions. "" without a
 * staff cookie.
 */
export function staffCsrf(cookieHeader: string): string {
  const value = cookieHeader.match(/(?:^|;\s*)__Host-staff=([^;]+)/)?.[1];
  if (!value) return "";
  const id: unknown = JSON.parse(Buffer.from(decodeURIComponent(value), "base64").toString("utf8"));
  return typeof id === "string" ? formTokenFor(id) : "";
}

/** A browser that has opened the sign-in page: its pre-session cookie and the token its forms carry. */
export function signInPage(id = "test-pre-session-0123456789"): { cookie: string; csrf: string } {
  return { cookie: `__Host-staff-pre=${Buffer.from(JSON.stringify(id)).toString("base64")}`, csrf: formTokenFor(id) };
}
