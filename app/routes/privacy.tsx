import { pageTitle } from "~/utils/head";

export const meta = pageTitle("Données personnelles");

/** GDPR art. 14 notice, linked from the first message a debtor receives (L11). */
export default function Privacy() {
  return (
    <main className="page narrow">
      <h1>Vos données personnelles</h1>
      <p>
        Votre fournisseur (le créancier) est responsable du traitement de vos données. Il utilise Relance pour vous rappeler
        les factures à régler et vous permettre de les payer, de proposer un échéancier ou de signaler un litige.
      </p>
      <h2>Données traitées et source</h2>
      <p>Nom, coordonnées de contact et factures, transmis par votre fournisseur à partir de sa comptabilité.</p>
      <h2>Finalité et base légale</h2>
      <p>Recouvrement amiable de créances : intérêt légitime du créancier et exécution du contrat qui vous lie.</p>
      <h2>Destinataires</h2>
      <p>Le créancier, Relance et ses sous-traitants d'envoi et de paiement : Resend (e-mail), Twilio (SMS), Stripe (paiement par carte).</p>
      <h2>Durée de conservation</h2>
      <p>Tant que la créance est ouverte, puis en archive restreinte pendant les durées légales (10 ans pour les pièces comptables).</p>
      <h2>Vos droits</h2>
      <p>Accès, rectification, opposition, limitation : écrivez au créancier à l'adresse indiquée dans nos messages. Vous pouvez saisir la CNIL.</p>
    </main>
  );
}
