import { useEffect } from "react";
import type { AgreementMessages } from "~/i18n/portal-agreements";

export function describedBy(...ids: (string | false | undefined | null)[]) {
  const list = ids.filter(Boolean).join(" ");
  return list === "" ? undefined : list;
}

/** After a refused submission, the keyboard lands on the first field to correct. */
export function useFocusFirstError(trigger: unknown) {
  useEffect(() => {
    const first = document.querySelector<HTMLElement>('[aria-invalid="true"], [data-focus-on-error]');
    first?.focus();
  }, [trigger]);
}

/** The debtor's input, carried from the review step to the confirmation. */
export function Echo({ fields }: { fields: [string, string][] }) {
  return (
    <>
      {fields.map(([name, value], i) => (
        <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

type Commitments = {
  promises: { id: number; text: string }[];
  plan: { statusLabel: string; totalLabel: string; installments: { position: number; dateLabel: string; amountLabel: string; statusLabel: string }[] } | null;
  done: string | null;
};

/** The portal home's "commitments in force": promised dates and the plan with its schedule and status. */
export function CommitmentsInForce({ commitments, t }: { commitments: Commitments; t: AgreementMessages }) {
  const { promises, plan, done } = commitments;
  return (
    <>
      {done ? (
        <p className="notice" role="status">
          {done}
        </p>
      ) : null}
      {promises.length > 0 || plan ? (
        <section aria-labelledby="commitments-title" className="card" data-testid="commitments">
          <h2 id="commitments-title">{t.home.title}</h2>
          {promises.length > 0 ? (
            <ul>
              {promises.map((p) => (
                <li key={p.id}>{p.text}</li>
              ))}
            </ul>
          ) : null}
          {plan ? <PlanSchedule plan={plan} t={t} /> : null}
        </section>
      ) : null}
    </>
  );
}

export function PlanSchedule({ plan, t }: { plan: NonNullable<Commitments["plan"]>; t: AgreementMessages }) {
  return (
    <>
      <p>{t.home.plan(plan.statusLabel)}</p>
      {/* Focusable so that a keyboard can scroll it on a narrow phone. */}
      <div className="table-scroll" role="region" aria-label={t.plan.schedule} tabIndex={0}>
        <table>
          <caption className="visually-hidden">{t.plan.schedule}</caption>
          <thead>
            <tr>
              <th scope="col">{t.plan.position}</th>
              <th scope="col">{t.plan.date}</th>
              <th scope="col" className="num">
                {t.plan.amount}
              </th>
              <th scope="col">{t.plan.statusColumn}</th>
            </tr>
          </thead>
          <tbody>
            {plan.installments.map((i) => (
              <tr key={i.position}>
                <td>{i.position}</td>
                <td>{i.dateLabel}</td>
                <td className="num">{i.amountLabel}</td>
                <td>{i.statusLabel}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t.plan.total}
              </th>
              <td className="num">{plan.totalLabel}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
