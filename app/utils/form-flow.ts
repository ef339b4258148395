/**
 * The one shape of a form's answer, in the portal and the back office: edit (the values as typed,
 * each error next to its field) → review (what will be recorded, for the person to confirm) → done.
 * A form with no review step answers edit, then redirects; a two-step form answers all three.
 */
export type FieldErrors = Partial<Record<string, string>>;

export type FormStep<Values, Review extends object = never, Done extends object = never, Errors extends FieldErrors = FieldErrors> =
  | { step: "edit"; values: Values; errors: Errors }
  | ({ step: "review" } & Review)
  | ({ step: "done" } & Done);

/** Whether an answer is an edit step with something to fix (the action answers 400). */
export const hasErrors = (result: { step: string; errors?: FieldErrors }) => result.step === "edit" && Object.values(result.errors ?? {}).some(Boolean);
