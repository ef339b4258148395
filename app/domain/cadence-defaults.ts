/**
 * The default French B2B cadence of DESIGN.md, for 30-day payment terms (offsets in calendar days
 * from the due date), with a tighter calendar for high-risk debtors and more room for good payers.
 */
export type Segment = "standard" | "high_risk" | "good_payer";
export type StepKind = "pre_reminder" | "first_reminder" | "second_reminder" | "call" | "formal_notice";
export type DefaultStep = {
  kind: StepKind;
  offsetDays: number;
  channel: "email" | "sms" | "letter" | "call";
  tone: "friendly" | "cordial" | "formal" | "legal";
};

function cadence(pre: number, first: number, second: number, call: number, notice: number): DefaultStep[] {
  return [
    { kind: "pre_reminder", offsetDays: pre, channel: "email", tone: "friendly" },
    { kind: "first_reminder", offsetDays: first, channel: "email", tone: "cordial" },
    { kind: "second_reminder", offsetDays: second, channel: "email", tone: "formal" },
    { kind: "second_reminder", offsetDays: second, channel: "sms", tone: "formal" },
    { kind: "call", offsetDays: call, channel: "call", tone: "formal" },
    { kind: "formal_notice", offsetDays: notice, channel: "letter", tone: "legal" },
    { kind: "formal_notice", offsetDays: notice, channel: "email", tone: "legal" },
  ];
}

export const defaultCadences: Record<Segment, DefaultStep[]> = {
  standard: cadence(-5, 5, 15, 20, 30),
  high_risk: cadence(-5, 3, 10, 14, 21),
  good_payer: cadence(-5, 10, 20, 30, 45),
};
