import { describe, expect, it } from "vitest";
import { ESLint } from "eslint";

// The snippets are not files of the project, so the rules that need its types are left out here.
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-misused-promises": "off", "@typescript-eslint/await-thenable": "off" },
  },
});

async function restrictedImports(path: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).filter((m) => m.ruleId?.includes("no-restricted")).map((m) => m.message);
}

describe("lint boundaries", () => {
  it("keeps the database and the provider SDKs out of route modules", async () => {
    const code = 'import { openDatabase } from "../../db/client";\nimport { Resend } from "resend";\nexport const x = [openDatabase, Resend];\n';
    const messages = await restrictedImports("app/routes/example.tsx", code);
    expect(messages.join("\n")).toMatch(/Only \*\.server\.ts modules may reach the database/);
    expect(messages.join("\n")).toMatch(/Provider SDKs belong/);
  });

  it("lets *.server.ts modules use them", async () => {
    const code = 'import { openDatabase } from "../../db/client";\nimport { Resend } from "resend";\nexport const x = [openDatabase, Resend];\n';
    expect(await restrictedImports("app/services/example.server.ts", code)).toEqual([]);
  });

  it("keeps the domain core free of Node, frameworks and the environment", async () => {
    const code = 'import { readFileSync } from "node:fs";\nimport { json } from "@remix-run/node";\nexport const x = [readFileSync, json, process.env.X];\n';
    const messages = await restrictedImports("app/domain/example.ts", code);
    expect(messages.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps queries in the data layer: a use-case calls a model, a model builds the query", async () => {
    const code = 'import { eq } from "drizzle-orm";\nimport { invoices } from "../../../db/schema";\nexport const x = [eq, invoices];\n';
    const messages = await restrictedImports("app/services/portal/example.server.ts", code);
    expect(messages.join("\n")).toMatch(/Queries belong in app\/models/);
    expect(messages.join("\n")).toMatch(/Tables are read and written in app\/models/);
    expect(await restrictedImports("jobs/example.ts", code.replaceAll("../../../", "../"))).toHaveLength(2);
    const model = code.replaceAll("../../../db/schema", "../../db/tables");
    expect(await restrictedImports("app/models/example.server.ts", model)).toEqual([]);
    // db/schema holds SQLite's declarations: on PostgreSQL they would map values the wrong way.
    expect((await restrictedImports("app/models/example.server.ts", code.replaceAll("../../../", "../../"))).join("\n")).toMatch(/Import the tables from db\/tables/);
  });

  it("makes a use-case receive its database: getDb() is for routes and the job", async () => {
    const code = 'import { getDb } from "../../db.server";\nexport const x = getDb;\n';
    expect((await restrictedImports("app/services/portal/example.server.ts", code)).join("\n")).toMatch(/Use-cases receive their database as a parameter/);
    expect((await restrictedImports("app/services/portal/example.server.ts", code.replace("../../db.server", "~/db.server"))).join("\n")).toMatch(/receive their database/);
    // The data-layer patterns still hold in app/services: the new block repeats them rather than replacing them.
    const query = 'import { eq } from "drizzle-orm";\nexport const x = eq;\n';
    expect((await restrictedImports("app/services/portal/example.server.ts", query)).join("\n")).toMatch(/Queries belong in app\/models/);
    expect(await restrictedImports("app/routes/example.tsx", code)).toEqual([]);
  });

  it("makes a use-case receive its providers: requestDeps() is for routes", async () => {
    const code = 'import { requestDeps } from "~/deps.server";\nexport const x = requestDeps;\n';
    expect((await restrictedImports("app/services/portal/example.server.ts", code)).join("\n")).toMatch(/Use-cases receive their providers as parameters/);
    expect((await restrictedImports("app/services/portal/example.server.ts", code.replace("~/deps.server", "../../deps.server"))).join("\n")).toMatch(/receive their providers/);
    expect(await restrictedImports("app/routes/example.tsx", code)).toEqual([]);
  });

  it("keeps a use-case from building a provider of its own", async () => {
    const code = 'import { createPaymentProvider, type PaymentProvider } from "../../integrations/payments.server";\nexport const x: PaymentProvider | typeof createPaymentProvider = createPaymentProvider;\n';
    expect((await restrictedImports("app/services/backoffice/example.server.ts", code)).join("\n")).toMatch(/paymentProvider\(\)/);
    const typeOnly = 'import type { PaymentProvider } from "../../integrations/payments.server";\nexport type X = PaymentProvider;\n';
    expect(await restrictedImports("app/services/backoffice/example.server.ts", typeOnly)).toEqual([]);
    expect(await restrictedImports("app/routes/example.tsx", code.replaceAll("../../", "~/"))).toEqual([]);
  });

  it("lets a use-case name a table's type", async () => {
    const code = 'import type { SQL } from "drizzle-orm";\nimport type { invoices } from "../../../db/schema";\nexport type X = [SQL, typeof invoices];\n';
    expect(await restrictedImports("app/services/portal/example.server.ts", code)).toEqual([]);
  });
});
