import { inject } from "vitest";

// Before any test file loads db/tables.ts: this worker's processes run on PostgreSQL.
process.env.DATABASE_URL = inject("postgresUrl");
