import type { Db } from "../../../db/client";
import { locales, type Locale } from "../../i18n/messages";
import { safePortalPath } from "../../domain/step-up";
import { isHexColor } from "../../domain/creditor-settings";
import { setDebtorLocale } from "../../models/portal.server";
import { requirePortalAction, requirePortalDebtor } from "./portal-guards.server";

/** What the portal layout needs on every page: the debtor's language, the form token, the creditor's branding. */
export async function loadPortalLayout(db: Db, request: Request) {
  const { debtor, csrf } = await requirePortalDebtor(db, request);
  const accent = debtor.creditorAccentColor;
  return {
    locale: debtor.locale,
    csrf,
    brand: { name: debtor.creditorName ?? debtor.creditorLegalName, accentColor: accent && isHexColor(accent) ? accent : null },
  };
}

/**
 * The language switch: stored on the debtor, so the portal and every later message (reminders,
 * notices, letters) use it. No step-up: it reveals nothing and changes no address.
 */
export async function switchLanguage(db: Db, request: Request): Promise<string> {
  const { debtor, form } = await requirePortalAction(db, request);
  const wanted = locales.find((l): l is Locale => l === form.get("locale"));
  if (wanted && wanted !== debtor.locale) await setDebtorLocale(db, debtor.id, wanted);
  return safePortalPath(form.get("returnTo"));
}
