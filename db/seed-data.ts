/** The demo creditor's customers: French SMEs, a few English-speaking ones, a few consumers. */
export const demoDebtors: {
  name: string;
  kind: "business" | "consumer";
  locale: "fr" | "en";
  timeZone: string;
  city: string;
  contact: string;
  email: string;
  phone: string;
  segment: "standard" | "high_risk" | "good_payer";
}[] = [
  { name: "Boulangerie Martin SARL", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Sophie Martin", email: "compta@boulangerie-martin.fr", phone: "+33612345601", segment: "good_payer" },
  { name: "Garage des Alpes SAS", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Grenoble", contact: "Luc Bernard", email: "factures@garage-des-alpes.fr", phone: "+33612345602", segment: "standard" },
  { name: "Hôtel du Parc", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Annecy", contact: "Nadia Haddad", email: "direction@hotel-du-parc.fr", phone: "+33612345603", segment: "standard" },
  { name: "Pharmacie Centrale", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Villeurbanne", contact: "Paul Roux", email: "pharmacie.centrale@orange.fr", phone: "+33612345604", segment: "good_payer" },
  { name: "Cabinet Lefèvre Architectes", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Anne Lefèvre", email: "administratif@lefevre-archi.fr", phone: "+33612345605", segment: "standard" },
  { name: "Transports Girard", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Vienne", contact: "Marc Girard", email: "compta@transports-girard.fr", phone: "+33612345606", segment: "high_risk" },
  { name: "Restaurant Le Bouchon Lyonnais", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Julien Morel", email: "contact@bouchon-lyonnais.fr", phone: "+33612345607", segment: "high_risk" },
  { name: "Clinique Vétérinaire Saint-Jean", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Bourgoin-Jallieu", contact: "Claire Faure", email: "accueil@veto-saint-jean.fr", phone: "+33612345608", segment: "standard" },
  { name: "SCI Les Terrasses", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Caluire-et-Cuire", contact: "Henri Blanc", email: "gestion@sci-terrasses.fr", phone: "+33612345609", segment: "standard" },
  { name: "Imprimerie Rhône Print", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Saint-Priest", contact: "Élodie Garnier", email: "fournisseurs@rhoneprint.fr", phone: "+33612345610", segment: "standard" },
  { name: "Crèche Les Petits Pas", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Bron", contact: "Samira Benali", email: "direction@lespetitspas.fr", phone: "+33612345611", segment: "good_payer" },
  { name: "Menuiserie Chevalier", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Mâcon", contact: "Thomas Chevalier", email: "thomas@menuiserie-chevalier.fr", phone: "+33612345612", segment: "high_risk" },
  { name: "Agence Horizon Immobilier", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Inès Lambert", email: "compta@horizon-immo.fr", phone: "+33612345613", segment: "standard" },
  { name: "Domaine Viticole Perrin", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Villefranche-sur-Saône", contact: "Jean Perrin", email: "jean.perrin@domaine-perrin.fr", phone: "+33612345614", segment: "good_payer" },
  { name: "Salon Coiffure Élégance", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Écully", contact: "Laura Dupuis", email: "salon.elegance@gmail.com", phone: "+33612345615", segment: "standard" },
  { name: "BTP Rhône-Alpes Construction", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Vénissieux", contact: "Karim Mansouri", email: "comptabilite@btp-ra.fr", phone: "+33612345616", segment: "high_risk" },
  { name: "Librairie La Page", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Mathilde Roche", email: "librairie@lapage.fr", phone: "+33612345617", segment: "standard" },
  { name: "Auto-École Conduite Plus", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Oullins", contact: "Yann Le Gall", email: "gestion@conduiteplus.fr", phone: "+33612345618", segment: "standard" },
  { name: "Fromagerie Mercier", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Bourg-en-Bresse", contact: "Odile Mercier", email: "commandes@fromagerie-mercier.fr", phone: "+33612345619", segment: "good_payer" },
  { name: "Laboratoire Biotech Confluence", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Dr Hugo Petit", email: "ap@biotech-confluence.fr", phone: "+33612345620", segment: "standard" },
  { name: "Camping Les Pins", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Hyères", contact: "Gilles Fabre", email: "camping.lespins@wanadoo.fr", phone: "+33612345621", segment: "high_risk" },
  { name: "Association Sportive Croix-Rousse", kind: "business", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Céline Robin", email: "tresorier@as-croixrousse.fr", phone: "+33612345622", segment: "standard" },
  { name: "Thames Interiors Ltd", kind: "business", locale: "en", timeZone: "Europe/London", city: "London", contact: "Oliver Smith", email: "accounts@thames-interiors.co.uk", phone: "+447700900101", segment: "standard" },
  { name: "Dublin Design Studio", kind: "business", locale: "en", timeZone: "Europe/Dublin", city: "Dublin", contact: "Aoife Byrne", email: "finance@dublindesign.ie", phone: "+353851234567", segment: "good_payer" },
  { name: "Geneva Hospitality SA", kind: "business", locale: "en", timeZone: "Europe/Zurich", city: "Geneva", contact: "Mark Keller", email: "payables@geneva-hospitality.ch", phone: "+41791234567", segment: "standard" },
  { name: "Brighton Boutique Hotels", kind: "business", locale: "en", timeZone: "Europe/London", city: "Brighton", contact: "Emma Clarke", email: "ap@brighton-boutique.co.uk", phone: "+447700900102", segment: "high_risk" },
  { name: "Mme Isabelle Moreau", kind: "consumer", locale: "fr", timeZone: "Europe/Paris", city: "Lyon", contact: "Isabelle Moreau", email: "isabelle.moreau@laposte.net", phone: "+33612345623", segment: "standard" },
  { name: "M. François Dubois", kind: "consumer", locale: "fr", timeZone: "Europe/Paris", city: "Tassin-la-Demi-Lune", contact: "François Dubois", email: "f.dubois@free.fr", phone: "+33612345624", segment: "standard" },
  { name: "M. et Mme Nguyen", kind: "consumer", locale: "fr", timeZone: "Europe/Paris", city: "Sainte-Foy-lès-Lyon", contact: "Linh Nguyen", email: "famille.nguyen@gmail.com", phone: "+33612345625", segment: "good_payer" },
  { name: "Mr James Wilson", kind: "consumer", locale: "en", timeZone: "Europe/Paris", city: "Chamonix", contact: "James Wilson", email: "james.wilson@outlook.com", phone: "+447700900103", segment: "standard" },
];

/** Postal codes of the demo cities, so formal notices can be addressed. */
export const demoPostalCodes: Record<string, string> = {
  Lyon: "69003", Grenoble: "38000", Annecy: "74000", Villeurbanne: "69100", Vienne: "38200", "Bourgoin-Jallieu": "38300",
  "Caluire-et-Cuire": "69300", "Saint-Priest": "69800", Bron: "69500", "Mâcon": "71000", "Villefranche-sur-Saône": "69400",
  "Écully": "69130", "Vénissieux": "69200", Oullins: "69600", "Bourg-en-Bresse": "01000", "Hyères": "83400",
  London: "SE1 9SG", Dublin: "D02 X285", Geneva: "1201", Brighton: "BN1 1AE", "Tassin-la-Demi-Lune": "69160",
  "Sainte-Foy-lès-Lyon": "69110", Chamonix: "74400",
};

/**
 * Due dates relative to the seed day, in days, so every aging bucket is filled: not yet due
 * (with several falling due in exactly 5 days, for the pre-reminder), 1–30, 31–60, 61–90, over 90.
 */
export const demoDueOffsets = [
  5, 5, 5, 5, 5, 5, 3, 2, 8, 12, 18, 25, 40, 50, 4, 9, 15, 22, 28, 35,
  -1, -3, -5, -7, -9, -12, -14, -16, -18, -20, -22, -25, -27, -29, -30, -2, -6, -11, -15, -24,
  -31, -34, -38, -41, -45, -48, -52, -55, -58, -60, -36, -44, -50, -57, -33,
  -61, -64, -68, -72, -75, -79, -83, -86, -90, -66, -77, -88,
  -95, -104, -120, -135, -150, -170, -200, -240, -300, -110, -130,
];
