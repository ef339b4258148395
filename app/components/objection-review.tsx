/**
 * The review step of a form that carries files (dispute, "I already paid"). It is rendered inside
 * the same <Form> as the fields, which stay mounted but hidden, so the chosen files go with the
 * confirmation (a file cannot be echoed in a hidden field).
 */
export function ObjectionReview({
  review,
  invoiceLabel,
  words,
  confirmLabel,
  busy,
}: {
  review: { invoices: { number: string; amountLabel: string }[]; summary: [string, string][]; files: string[]; nextLines: string[] };
  invoiceLabel: string;
  words: { filesTitle: string; none: string; nextTitle: string; change: string };
  confirmLabel: string;
  busy: boolean;
}) {
  return (
    <>
      <section className="card" aria-label={invoiceLabel}>
        <ul className="invoice-list">
          {review.invoices.map((i) => (
            <li key={i.number}>
              <span>
                {invoiceLabel} <strong>{i.number}</strong>
              </span>
              <span className="amount">{i.amountLabel}</span>
            </li>
          ))}
        </ul>
        <dl className="objection-summary">
          {review.summary.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
          <div>
            <dt>{words.filesTitle}</dt>
            <dd>{review.files.length > 0 ? review.files.join(", ") : words.none}</dd>
          </div>
        </dl>
      </section>
      <h2>{words.nextTitle}</h2>
      <ul data-testid="what-next">
        {review.nextLines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <input type="hidden" name="reviewedFiles" value={review.files.length} />
      <div className="button-row">
        <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
          {confirmLabel}
        </button>
        <button type="submit" name="intent" value="edit" className="button secondary" disabled={busy}>
          {words.change}
        </button>
      </div>
    </>
  );
}
