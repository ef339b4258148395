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

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "test-results/", "playwright-report/", ".data/"] },
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
);
