import { Form, Link, NavLink, useMatches } from "@remix-run/react";
import { StaffFormToken } from "./staff-form-token";

export type Shell = { creditorName: string; staffName: string; work: { toDecide: number; callsDue: number; lettersToPost: number } };

/** One step of the trail above a page's title; the last one is the page itself. */
export type Crumb = { label: string; to?: string };
/** What a back-office route declares (`export const handle`) to sit in the trail. */
export type BackofficeHandle = { breadcrumb: Crumb[] | ((data: never) => Crumb[]) };

/** Every back-office section, one click away; the three work lists carry their live counts. */
export const SECTIONS = [
  { to: "/backoffice", label: "Tableau de bord", end: true },
  { to: "/backoffice/review", label: "À décider", count: "toDecide" },
  { to: "/backoffice/calls", label: "Appels", count: "callsDue" },
  { to: "/backoffice/letters", label: "Courriers à poster", count: "lettersToPost" },
  { to: "/backoffice/debtors", label: "Débiteurs" },
  { to: "/backoffice/import", label: "Import" },
  { to: "/backoffice/cadence", label: "Relances et modèles" },
  { to: "/backoffice/settings", label: "Paramètres" },
  { to: "/backoffice/team", label: "Équipe" },
  { to: "/backoffice/api-keys", label: "API" },
] as const;

/** The signed-in member's own page (their password), behind their name. */
export const MEMBER_PAGE = "/backoffice/password";

export function BackofficeShell({ shell }: { shell: Shell }) {
  const links = SECTIONS.map((section) => (
    <li key={section.to}>
      <NavLink to={section.to} end={"end" in section}>
        {section.label}
        {"count" in section ? <span className="count"> {shell.work[section.count]}</span> : null}
      </NavLink>
    </li>
  ));
  return (
    <header className="shell">
      <div className="shell-bar">
        <p className="shell-who">
          <strong>{shell.creditorName}</strong> · <Link to={MEMBER_PAGE}>{shell.staffName}</Link>
        </p>
        <Form method="get" action="/backoffice/debtors" role="search" className="shell-search" aria-label="Recherche dans tout le compte">
          <label htmlFor="shell-search" className="visually-hidden">
            Rechercher un client ou une facture
          </label>
          <input id="shell-search" name="q" type="search" maxLength={100} placeholder="Client, SIREN, n° de facture…" />
          <button type="submit" className="button secondary">
            Rechercher
          </button>
        </Form>
        <Form method="post" action="/backoffice/logout">
          <StaffFormToken />
          <button type="submit" className="button secondary">
            Se déconnecter
          </button>
        </Form>
      </div>
      {/* A disclosure on a phone, open on a desk: the same links either way. */}
      <nav aria-label="Navigation principale" className="shell-nav">
        <details className="shell-menu">
          <summary>Menu</summary>
          <ul>{links}</ul>
        </details>
        <ul className="shell-links">{links}</ul>
      </nav>
    </header>
  );
}

/** "Tableau de bord › Débiteurs › Garage des Alpes": the trail the matched routes declare. */
export function Breadcrumbs() {
  const matches = useMatches();
  const page = matches.at(-1);
  const handle = page?.handle as BackofficeHandle | undefined;
  if (!page || !handle?.breadcrumb) return null;
  const trail = typeof handle.breadcrumb === "function" ? handle.breadcrumb(page.data as never) : handle.breadcrumb;
  const crumbs: Crumb[] = [{ label: "Tableau de bord", to: "/backoffice" }, ...trail];
  return (
    <nav aria-label="Fil d'Ariane" className="breadcrumbs">
      <ol>
        {crumbs.map((crumb, i) => (
          <li key={i}>{crumb.to && i < crumbs.length - 1 ? <Link to={crumb.to}>{crumb.label}</Link> : <span aria-current="page">{crumb.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}
