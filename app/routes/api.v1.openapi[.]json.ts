import { openApiDocument } from "~/services/openapi.server";

export const loader = () => Response.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
