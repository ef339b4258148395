import { expect, test } from "@playwright/test";
import { sqliteClient } from "../../db/client";
import { parseEnv } from "../../app/env.server";
import { insertLink, insertShortLink, signLink } from "../../app/services/shared/links.server";
import { E2E_NOW, e2eEnv } from "./support/env";
import { withDb } from "./support/helpers";

// A link's token is in the page's address: every answer on a link path, page, data request, error or
// redirect, tells the browser to send no Referer (M8), and the landing's own form still works.
const env = parseEnv(e2eEnv());

async function issue() {
  const now = new Date(E2E_NOW);
  const { link, sms } = await withDb(async (db) => {
    const debtorId = (sqliteClient(db)!.prepare("select debtor_id as id from invoices where status = 'open' order by debtor_id limit 1").get() as { id: number }).id;
    return {
      link: await insertLink(db, env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now }),
      sms: (await insertShortLink(db, env, { debtorId, invoiceIds: [], sentTo: "+33600000000", now })).token,
    };
  });
  return { jwt: await signLink(env, link), sms };
}

test("every answer on a link URL, in any form, sends Referrer-Policy: no-referrer", async ({ request }) => {
  const { jwt, sms } = await issue();
  const variants: [string, string, number[]][] = [
    ["GET", `/l/${jwt}`, [200]],
    ["GET", `/l/${sms}`, [200]],
    ["HEAD", `/l/${jwt}`, [200]],
    ["GET", `/l/${jwt}.data`, [200]],
    ["GET", `/l/${jwt}/`, [200]],
    ["GET", `/L/${jwt}`, [200, 404]],
    ["GET", `/l/${jwt}?t=${jwt}`, [200]],
    ["GET", `/l/${jwt}x`, [410]],
    ["GET", `/l/${sms}/extra`, [404]],
    ["GET", `/s/${sms}`, [404]],
    ["GET", `/l%2F${sms}`, [404]],
    ["POST", `/l/${jwt}/continue`, [403]],
    ["GET", `/l/${jwt}?retry-at=2026-11-20T10:00:00Z`, [429]],
  ];
  for (const [method, path, statuses] of variants) {
    const post = method === "POST" ? { headers: { Origin: "https://evil.example" }, form: { form: "forged" } } : {};
    const response = await request.fetch(path, { method, maxRedirects: 0, ...post });
    expect(statuses, `${method} ${path.slice(0, 20)} answered ${response.status()}`).toContain(response.status());
    expect(response.headers()["referrer-policy"], `${method} ${path.slice(0, 20)}`).toBe("no-referrer");
  }
});

test("the landing page's own form opens the portal under no-referrer, and no request carries the link", async ({ page }) => {
  const { jwt } = await issue();
  const sent: { url: string; referer?: string; origin?: string; method: string }[] = [];
  page.on("request", (r) => sent.push({ url: r.url(), method: r.method(), referer: r.headers()["referer"], origin: r.headers()["origin"] }));
  await page.goto(`/l/${jwt}`);
  await page.getByRole("button", { name: "Continuer" }).click();
  await expect(page).toHaveURL(/\/portal$/);
  const exchange = sent.find((r) => r.method === "POST" && r.url.includes("/l/"));
  expect(exchange?.origin).toBe("null");
  for (const r of sent) expect(r.referer ?? "", r.url.slice(0, 40)).not.toContain("/l/");
});
