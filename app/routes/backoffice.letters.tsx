import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { loadLettersToPost, markLetterPosted } from "~/services/backoffice/letters-queue.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Courriers à poster" }] };

export const meta: MetaFunction = () => [{ title: "Courriers à poster — Relance" }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export function loader({ request }: LoaderFunctionArgs) {
  return loadLettersToPost(request);
}

export function action({ request }: ActionFunctionArgs) {
  return markLetterPosted(request);
}

export default function LettersToPost() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="page">
      <h1>Courriers à poster</h1>
      <p className="muted">Mises en demeure préparées par la relance automatique, à envoyer en recommandé avec accusé de réception.</p>
      {page.letters.length === 0 ? <p>Aucun courrier en attente.</p> : null}
      {page.letters.map((letter) => {
        const error = result && result.letterId === letter.id ? result.error : null;
        const field = `tracking-${letter.id}`;
        return (
          <article key={letter.id} className="card" data-testid="letter">
            <h2>
              <Link to={`/backoffice/debtors/${letter.debtorId}`}>{letter.debtorName}</Link>
            </h2>
            <p>{letter.address}</p>
            <p className="muted">Préparée le {letter.queuedAt}</p>
            <p>
              <a href={`/backoffice/letters/${letter.id}/pdf`} download>
                Télécharger la lettre (PDF)
              </a>
            </p>
            {page.canPost ? (
              <Form method="post" noValidate>
                <StaffFormToken />
                <input type="hidden" name="letterId" value={letter.id} />
                <label htmlFor={field}>Numéro du recommandé</label>
                <input
                  id={field}
                  name="trackingNumber"
                  type="text"
                  autoComplete="off"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${field}-error` : undefined}
                />
                {error ? (
                  <p className="field-error" id={`${field}-error`} role="alert">
                    {error}
                  </p>
                ) : null}
                <button type="submit" className="button">
                  Marquer comme posté
                </button>
              </Form>
            ) : null}
          </article>
        );
      })}
    </main>
  );
}
