import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { loadLettersToPost, markLetterPosted } from "~/services/backoffice/letters-queue.server";
import { StaffFormToken } from "~/components/staff-form-token";
import { FieldError, invalidProps } from "~/components/field-error";
import { ListFilters, SortHeader, WorkRow, WorkTable } from "~/components/work-list";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Courriers à poster" }] };

export const meta = pageTitle("Courriers à poster");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadLettersToPost(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return markLetterPosted(getDb(), request);
}

type Letter = ReturnType<typeof useLoaderData<typeof loader>>["letters"][number];

export default function LettersToPost() {
  const page = useLoaderData<typeof loader>();
  return (
    <main className="page wide">
      <h1>Courriers à poster</h1>
      <p className="muted">
        Mises en demeure préparées par la relance automatique, à envoyer en recommandé avec accusé de réception : {page.counts.all} en attente
        {page.counts.late > 0 ? `, dont ${page.counts.late} depuis plus de ${page.postingDays} jours ouvrés` : ""}. Le délai de la mise en demeure court à partir de l'envoi.
      </p>
      <ListFilters label="Filtrer les courriers">
        <label>
          Client ou adresse
          <input name="q" type="search" defaultValue={page.filters.q} maxLength={100} />
        </label>
        <label>
          Attente
          <select name="attente" defaultValue={page.filters.attente}>
            <option value="toutes">Tous les courriers</option>
            <option value="en-retard">Plus de {page.postingDays} jours ouvrés</option>
          </select>
        </label>
      </ListFilters>
      <WorkTable
        id="letter-list"
        caption="Courriers à poster"
        status={page.letters.length === 0 ? "Aucun courrier en attente." : `${page.letters.length} courrier${page.letters.length > 1 ? "s" : ""}.`}
        head={[
          <SortHeader column="client" label="Client" sort={page.sort} />,
          <th scope="col">Adresse</th>,
          <SortHeader column="ville" label="Ville" sort={page.sort} />,
          <SortHeader column="prepare" label="Préparée le" sort={page.sort} numeric />,
          <th scope="col">Attente</th>,
          <th scope="col">Lettre</th>,
        ]}
        rows={page.letters.map((letter) => (
          <WorkRow key={letter.id} id={letter.id} open={page.filters.ouvrir === letter.id} label={`Courrier pour ${letter.debtorName}`} testId="letter" detail={<PostLetter letter={letter} />}>
            <td>
              <Link to={`/backoffice/debtors/${letter.debtorId}`}>{letter.debtorName}</Link>
            </td>
            <td>{letter.address}</td>
            <td>{letter.city ?? "—"}</td>
            <td className="num nowrap">{letter.queuedAt}</td>
            <td className={letter.late ? "overdue" : undefined}>
              {letter.businessDays} j ouvré{letter.businessDays > 1 ? "s" : ""}
              {letter.late ? <strong> · en retard</strong> : null}
            </td>
            <td>
              <a href={`/backoffice/letters/${letter.id}/pdf`} download>
                PDF<span className="visually-hidden"> de la lettre pour {letter.debtorName}</span>
              </a>
            </td>
          </WorkRow>
        ))}
      />
    </main>
  );
}

function PostLetter({ letter }: { letter: Letter }) {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { search } = useLocation();
  const error = result && result.letterId === letter.id ? result.error : null;
  const field = `tracking-${letter.id}`;
  if (!page.canPost) return <p className="muted">Votre rôle (lecture seule) ne permet pas de marquer un courrier comme posté.</p>;
  return (
    <Form method="post" noValidate preventScrollReset className="field-row">
      <StaffFormToken />
      <input type="hidden" name="letterId" value={letter.id} />
      <input type="hidden" name="list" value={search} />
      <div>
        <label htmlFor={field}>Numéro du recommandé</label>
        <input id={field} name="trackingNumber" type="text" autoComplete="off" {...invalidProps(field, error)} />
        <FieldError field={field} message={error} />
      </div>
      <div>
        <button type="submit" className="button">
          Marquer comme posté
        </button>
      </div>
    </Form>
  );
}
