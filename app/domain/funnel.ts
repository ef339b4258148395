/** One message sent, with what happened after it, as the funnel needs it. */
export type FunnelMessage = {
  step: string;
  channel: string;
  sentAt: Date;
  debtorId: number;
  linkId: number | null;
  invoiceIds: readonly number[];
};

export type FunnelFacts = {
  /** Links a session was started from (a person pressed "Continuer": previews and scanners do not, M3). */
  openedLinkIds: ReadonlySet<number>;
  /** When each debtor acted in the portal or on the phone (pay, promise, plan, dispute…). */
  actionsByDebtor: ReadonlyMap<number, readonly Date[]>;
  /** When each invoice was paid in full. */
  paidAt: ReadonlyMap<number, Date>;
};

export type FunnelRow = { step: string; channel: string; sent: number; opened: number; acted: number; paid: number };

/** Within this, an action or a payment counts for the message that preceded it. */
export const ATTRIBUTION_DAYS = 14;

/**
 * Per step and channel: messages sent → their link opened → the debtor acted after it → an invoice it
 * listed paid after it, each within the attribution window. A message counts at most once per stage.
 */
export function computeFunnel(messages: readonly FunnelMessage[], facts: FunnelFacts): FunnelRow[] {
  const rows = new Map<string, FunnelRow>();
  const within = (sentAt: Date, at: Date) => at >= sentAt && at.getTime() - sentAt.getTime() <= ATTRIBUTION_DAYS * 86_400_000;
  for (const m of messages) {
    const key = `${m.step}/${m.channel}`;
    const row = rows.get(key) ?? { step: m.step, channel: m.channel, sent: 0, opened: 0, acted: 0, paid: 0 };
    row.sent += 1;
    if (m.linkId !== null && facts.openedLinkIds.has(m.linkId)) row.opened += 1;
    if ((facts.actionsByDebtor.get(m.debtorId) ?? []).some((at) => within(m.sentAt, at))) row.acted += 1;
    if (m.invoiceIds.some((id) => { const paid = facts.paidAt.get(id); return paid !== undefined && within(m.sentAt, paid); })) row.paid += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}
