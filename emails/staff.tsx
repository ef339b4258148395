import { Body, Container, Head, Html, Preview, Section, Text } from "@react-email/components";
import { render } from "@react-email/render";
import { renderEmailElement } from "./render";

const body = { backgroundColor: "#f4f4f5", fontFamily: "Helvetica, Arial, sans-serif", color: "#18181b" };
const container = { backgroundColor: "#ffffff", margin: "24px auto", padding: "24px", maxWidth: "560px" };
const codeStyle = { fontSize: "28px", letterSpacing: "6px", fontWeight: "bold" };
const small = { fontSize: "12px", lineHeight: "18px", color: "#52525b" };

/** What a back-office email says: the staff member's name, the creditor, and the case. */
export type StaffEmailProps =
  | { kind: "code"; staffName: string; creditorName: string; code: string; purpose: "sign_in" | "password"; minutes: number }
  | { kind: "welcome"; staffName: string; creditorName: string; invitedBy: string; loginUrl: string }
  /** A case raised to the creditor's owners by the job (a plan nobody decided in time…), as a title and its paragraphs. */
  | { kind: "alert"; staffName: string; creditorName: string; title: string; lines: string[] }
  /** M22: a debtor's commitment, copied to the creditor with its evidence. */
  | { kind: "commitment_copy"; staffName: string; creditorName: string; title: string; lines: string[] };

function subject(props: StaffEmailProps): string {
  if (props.kind === "commitment_copy") return `Copie : ${props.title}`;
  if (props.kind === "welcome") return `${props.creditorName} : votre accès à l'espace créancier Relance`;
  if (props.kind === "alert") return props.title;
  return props.purpose === "sign_in" ? `Votre code de connexion Relance : ${props.code}` : `Votre code pour changer de mot de passe : ${props.code}`;
}

function StaffEmail(props: StaffEmailProps) {
  const preview = subject(props);
  return (
    <Html lang="fr">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Section>
            <Text>Bonjour {props.staffName},</Text>
            {props.kind === "commitment_copy" ? (
              <>
                <Text>Un client de {props.creditorName} vient de s'engager dans son espace de paiement. Cette copie en garde la preuve :</Text>
                <Text style={{ fontWeight: "bold" }}>{props.title}</Text>
                {props.lines.map((line, i) => (
                  <Text key={i}>{line}</Text>
                ))}
              </>
            ) : props.kind === "code" ? (
              <>
                <Text>
                  {props.purpose === "sign_in"
                    ? `Voici votre code pour vous connecter à l'espace créancier de ${props.creditorName} :`
                    : `Voici votre code pour choisir un nouveau mot de passe dans l'espace créancier de ${props.creditorName} :`}
                </Text>
                <Text style={codeStyle}>{props.code}</Text>
                <Text>
                  Il est valable {props.minutes} minutes, une seule fois. Si vous n'avez rien demandé, ignorez ce message : personne ne peut
                  s'en servir sans accès à votre boîte e-mail.
                </Text>
              </>
            ) : props.kind === "alert" ? (
              props.lines.map((line, i) => <Text key={i}>{line}</Text>)
            ) : (
              <>
                <Text>
                  {props.invitedBy} vous a ouvert un accès à l'espace créancier de {props.creditorName} sur Relance.
                </Text>
                <Text>
                  Pour entrer, ouvrez {props.loginUrl}, saisissez cette adresse e-mail et demandez un code de connexion. Vous pourrez
                  ensuite choisir un mot de passe depuis la page « Équipe ».
                </Text>
              </>
            )}
          </Section>
          <Text style={small}>Message automatique de Relance. Ne le transférez pas.</Text>
        </Container>
      </Body>
    </Html>
  );
}

/**
 * The owners' alert for a plan under review that nobody decided in time, as the outbox stores it
 * (title, then paragraphs) and sends it with the "alert" email.
 */
export function planReviewLapsedAlert(p: { debtorName: string; proposedOn: string; businessDays: number; debtorUrl: string }): { title: string; lines: string[] } {
  return {
    title: `Échéancier de ${p.debtorName} non examiné : les relances reprennent`,
    lines: [
      `${p.debtorName} a proposé un échéancier le ${p.proposedOn}. Personne ne l'a accepté ni refusé dans les ${p.businessDays} jours ouvrés prévus : il ne suspend plus les relances, qui reprennent à la prochaine passe, et le client en a été prévenu.`,
      `Pour reprendre contact ou convenir d'un autre échéancier, ouvrez sa fiche : ${p.debtorUrl}`,
    ],
  };
}

export async function renderStaffEmail(props: StaffEmailProps) {
  return { subject: subject(props), ...(await renderEmailElement(<StaffEmail {...props} />)) };
}

/** The back-office email rendered by React itself, twice, as renderStaffEmail did before its shapes were cached. */
export async function renderStaffEmailDirect(props: StaffEmailProps) {
  const element = <StaffEmail {...props} />;
  return { subject: subject(props), html: await render(element), text: await render(element, { plainText: true }) };
}
