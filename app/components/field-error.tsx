/**
 * The one way a field's error is shown, in the portal and the back office: under the field, read
 * out when it appears, and tied to the field by `aria-describedby={errorId(field)}`.
 */
export function FieldError({ field, message }: { field: string; message: string | readonly string[] | null | undefined }) {
  const text = typeof message === "string" ? message : message?.[0];
  if (!text) return null;
  return (
    <p className="field-error" id={errorId(field)} role="alert">
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
