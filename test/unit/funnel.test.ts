import { describe, expect, it } from "vitest";
import { computeFunnel, type FunnelMessage } from "~/domain/funnel";

const day = (d: number, h = 9) => new Date(Date.UTC(2026, 10, d, h));
const message = (extra: Partial<FunnelMessage>): FunnelMessage => ({ step: "first_reminder", channel: "email", sentAt: day(2), debtorId: 1, linkId: 10, invoiceIds: [100], ...extra });
const none = { openedLinkIds: new Set<number>(), actionsByDebtor: new Map<number, Date[]>(), paidAt: new Map<number, Date>() };

describe("the reminder funnel", () => {
  it("follows each message from sent to opened, acted and paid, per step and channel", () => {
    const rows = computeFunnel(
      [
        message({}),
        message({ debtorId: 2, linkId: 20, invoiceIds: [200] }),
        message({ channel: "sms", debtorId: 3, linkId: 30, invoiceIds: [300] }),
      ],
      { openedLinkIds: new Set([10, 20]), actionsByDebtor: new Map([[1, [day(3)]]]), paidAt: new Map([[100, day(5)]]) },
    );
    expect(rows).toEqual([
      { step: "first_reminder", channel: "email", sent: 2, opened: 2, acted: 1, paid: 1 },
      { step: "first_reminder", channel: "sms", sent: 1, opened: 0, acted: 0, paid: 0 },
    ]);
  });

  it("does not credit a message with what happened before it or long after it", () => {
    const rows = computeFunnel([message({ sentAt: day(10) })], {
      ...none,
      actionsByDebtor: new Map([[1, [day(9), day(25)]]]),
      paidAt: new Map([[100, day(9)]]),
    });
    expect(rows[0]).toMatchObject({ acted: 0, paid: 0 });
  });

  it("counts a letter without a link as never opened, yet followed by a payment", () => {
    const rows = computeFunnel([message({ channel: "letter", linkId: null })], { ...none, paidAt: new Map([[100, day(4)]]) });
    expect(rows[0]).toMatchObject({ sent: 1, opened: 0, paid: 1 });
  });
});
