import { formatCalendarDate } from "../domain/dates";

/**
 * The cadence explains itself in short English notes (for logs and the dry-run command); the back
 * office's calendar says the same in French. An unknown note is shown as it is rather than hidden.
 */

export const STEP_WORDS: Record<string, string> = {
  pre_reminder: "pré-relance",
  first_reminder: "première relance",
  second_reminder: "deuxième relance",
  call: "appel",
  formal_notice: "mise en demeure",
  broken_promise: "promesse non tenue",
  installment_reminder: "rappel d'échéance",
  follow_up: "suivi",
  thank_you: "remerciement",
  promise_broken: "promesse constatée non tenue",
  plan_defaulted: "échéancier défaillant",
  escalate: "passage au contentieux",
};

const date = (d: string) => formatCalendarDate(d, "fr-FR");

export function reasonInFrench(reason: string, invoiceNumber: (id: number) => string): string {
  const reached = [...reason.matchAll(/invoice (\d+) reached (\w+) on (\d{4}-\d{2}-\d{2})/g)];
  if (reached.length > 0) {
    const parts = reached.map(([, id, step, on]) => `facture ${invoiceNumber(Number(id))} : ${STEP_WORDS[step!] ?? step} due depuis le ${date(on!)}`);
    const big = reason.includes("large amount, a call too") ? " ; montant important, un appel aussi" : "";
    return `${parts.join(" ; ")}${big}`;
  }
  const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/^payment promised for (\S+) did not arrive$/, (m) => `le paiement promis pour le ${date(m[1]!)} n'est pas arrivé`],
    [/^no contact since (\S+) while (\d+) invoice\(s\) remain overdue$/, (m) => `aucun contact depuis le ${date(m[1]!)}, ${m[2]} facture(s) toujours en retard`],
    [/^paid in full$/, () => "réglé en totalité"],
    [/^installment (\d+) due (\S+)$/, (m) => `échéance n° ${m[1]} du ${date(m[2]!)}`],
    [/^the debtor asked to be called back$/, () => "le client a demandé à être rappelé"],
    [/^formal notice of (\S+) unanswered after (\d+) days$/, (m) => `mise en demeure du ${date(m[1]!)} sans réponse après ${m[2]} jours`],
    [/^(\d+) reminders since (\S+) unanswered$/, (m) => `${m[1]} relances sans réponse depuis le ${date(m[2]!)}`],
    [/^(\d+) broken promises$/, (m) => `${m[1]} promesses non tenues`],
    [/^promise broken$/, () => "date promise dépassée sans paiement"],
    [/^plan defaulted$/, () => "une échéance du plan n'a pas été payée"],
  ];
  for (const [pattern, say] of rules) {
    const match = pattern.exec(reason);
    if (match) return say(match);
  }
  return reason;
}
