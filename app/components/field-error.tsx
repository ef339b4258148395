/**
 * The one way a field's error is shown, in the portal and the back office: under the field, tied to
 * it by `aria-describedby={errorId(field)}`, and read out when it appears, unless the form moves the
 * focus to the first field in error itself (`announce={false}`), which reads it once already.
 */
export function FieldError({ field, message, announce = true }: { field: string; message: string | readonly string[] | null | undefined; announce?: boolean }) {
  const text = typeof message === "string" ? message : message?.[0];
  if (!text) return null;
  return (
    <p className="field-error" id={errorId(field)} role={announce ? "alert" : undefined}>
      {text}
    </p>
  );
}

export const errorId = (field: string) => `${field}-error`;

/** The attributes a field with an error carries, nothing when it has none. */
export function invalidProps(field: string, message: string | readonly string[] | null | undefined) {
  const has = typeof message === "string" ? message !== "" : Boolean(message?.length);
  return has ? { "aria-invalid": true as const, "aria-describedby": errorId(field) } : {};
}

/** An error about the whole form (a refused sign-in, a decision already taken), above its fields. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" role="alert">
      {message}
    </p>
  );
}
