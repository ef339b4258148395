// The floor of `npm run bench:portal`: node:http answering a fixed hello, in its own process.
import { createServer } from "node:http";

const body = "<!DOCTYPE html><html lang=\"fr\"><body><p>Bonjour</p></body></html>";
const server = createServer((_request, response) => {
  response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  response.end(body);
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
