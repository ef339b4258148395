import { openApiDocument } from "~/services/api/openapi.server";

export const loader = () => Response.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
