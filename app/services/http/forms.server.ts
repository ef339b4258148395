import { type z } from "zod";
import type { FieldErrors } from "../../utils/form-flow";

/**
 * The one way a form is validated on the server: a zod schema over its fields, and on failure the
 * first message of each field, ready for `FieldError` next to it.
 */
export function parseFields<T extends z.ZodType>(schema: T, input: FormData | Record<string, unknown>): { ok: true; data: z.output<T> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(input instanceof FormData ? Object.fromEntries(input) : input);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: firstErrors(parsed.error) };
}

/** Each field's first message; an error not tied to a field goes under "form". */
export function firstErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join(".") : "form";
    errors[field] ??= issue.message;
  }
  return errors;
}
