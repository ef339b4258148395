import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

/** Server-only code: the database, the job and the provider SDKs. */
const serverOnlyImports = {
  patterns: [
    { group: ["**/db", "**/db/**", "../db/*", "../../db/*"], message: "Only *.server.ts modules may reach the database (db/)." },
    { group: ["**/jobs", "**/jobs/**"], message: "Only *.server.ts modules may import the job (jobs/)." },
    { group: ["better-sqlite3", "drizzle-orm", "drizzle-orm/*"], message: "Only *.server.ts modules may touch SQLite." },
    { group: ["stripe", "resend", "twilio", "svix"], message: "Provider SDKs belong in app/integrations/*.server.ts." },
  ],
};

/** Outside app/models, queries and tables are reached through a model function. */
const dataLayerPatterns = [
  { group: ["drizzle-orm", "drizzle-orm/*"], allowTypeImports: true, message: "Queries belong in app/models: call a model function." },
  { group: ["**/db/schema", "**/db/schema/*", "**/db/tables"], allowTypeImports: true, message: "Tables are read and written in app/models: call a model function." },
];

export default tseslint.config(
  { ignores: ["build/", "bench/minimal-remix/build/", "bench/minimal-remix/build-with-routes/", "node_modules/", "test-results/", "playwright-report/", ".data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ["**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Every query is awaited: a forgotten await runs the statement later, or never, or outside its transaction.
    files: ["**/*.{ts,tsx}"],
    ignores: ["**/*.js", "bench/minimal-remix/**"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    // drizzle's synchronous terminals exist on SQLite only: awaiting the builder runs on both engines.
    files: ["app/**/*.{ts,tsx}", "jobs/**/*.ts", "emails/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[arguments.length=0] > MemberExpression.callee[property.name=/^(all|get|run|sync)$/]",
          message: "Await the query instead: drizzle's .all()/.get()/.run() exist on SQLite only.",
        },
      ],
    },
  },
  {
    // Remix's .server guard covers only app/: this holds the line for db/, jobs/ and the SDKs.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.ts", "app/**/*.server.tsx"],
    rules: { "no-restricted-imports": ["error", serverOnlyImports] },
  },
  {
    // The domain core is plain TypeScript: no framework, database, SDK, Node API or environment.
    files: ["app/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...serverOnlyImports.patterns,
            { group: ["node:*", "@remix-run/*", "react", "react-dom", "zod"], message: "The domain core imports nothing but itself." },
            { group: ["../*", "!../domain/*"], message: "The domain core imports nothing outside app/domain." },
          ],
        },
      ],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Pass configuration in." }],
      "no-restricted-globals": ["error", { name: "process", message: "The domain core has no process." }],
    },
  },
  {
    // Use-cases, routes and the job call the data layer; they do not build queries themselves.
    files: ["app/**/*.{ts,tsx}", "jobs/**/*.ts"],
    ignores: ["app/models/**", "app/domain/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: dataLayerPatterns }] },
  },
  {
    // Use-cases receive their database: only the edge (a route, the job, a script) opens the process's connection.
    // Flat config replaces a rule's options per file, so the data-layer patterns are repeated here.
    files: ["app/services/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            ...dataLayerPatterns,
            { group: ["**/db.server", "~/db.server"], message: "Use-cases receive their database as a parameter: the route or the job passes getDb()." },
            { group: ["**/deps.server", "~/deps.server"], message: "Use-cases receive their providers as parameters: the route passes requestDeps(getDb())." },
            {
              group: ["**/integrations/*.server", "~/integrations/*.server"],
              importNames: ["createEmailSender", "createSmsSender", "createPaymentProvider"],
              message: "Use-cases receive their providers as parameters: the route passes requestDeps(db) or paymentProvider().",
            },
          ],
        },
      ],
    },
  },
  {
    // Queries use the engine's tables (db/tables): SQLite's declarations would hand PostgreSQL SQLite's values (an instant as epoch milliseconds).
    files: ["app/models/**/*.ts", "db/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts", "test/**/*.ts"],
    ignores: ["db/schema/**", "db/tables.ts", "db/client.ts", "scripts/generate-pg-schema.ts", "test/integration/engines.test.ts", "test/unit/lint-boundaries.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db/schema", "**/db/schema/*", "./schema", "./schema/*"],
              allowTypeImports: true,
              message: "Import the tables from db/tables: they carry this process's engine's value mapping.",
            },
          ],
        },
      ],
    },
  },
);
