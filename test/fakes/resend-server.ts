import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedEmail = { from: string; to: string | string[]; subject: string; html: string; text: string };

/**
 * A local server speaking Resend's wire format for POST /emails: bearer auth, JSON body,
 * Idempotency-Key replays the first answer (as Resend does for 24 h), errors as { statusCode, name, message }.
 */
export class FakeResend {
  readonly delivered: { id: string; idempotencyKey: string | undefined; email: ReceivedEmail }[] = [];
  readonly requests: { idempotencyKey: string | undefined }[] = [];
  private readonly byKey = new Map<string, string>();
  private failures: number[] = [];
  private server: Server | undefined;

  /** The next requests answer these HTTP statuses instead of sending. */
  failNext(...statuses: number[]) {
    this.failures.push(...statuses);
  }

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const body = await readBody(req);
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== "POST" || req.url !== "/emails") return send(404, { statusCode: 404, name: "not_found", message: "Route not found" });
      if (req.headers.authorization !== "Bearer re_test_key") return send(401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
      const idempotencyKey = header(req, "idempotency-key");
      this.requests.push({ idempotencyKey });
      const failure = this.failures.shift();
      if (failure) return send(failure, { statusCode: failure, name: "internal_server_error", message: "Try again" });
      const replay = idempotencyKey ? this.byKey.get(idempotencyKey) : undefined;
      if (replay) return send(200, { id: replay });
      const email = JSON.parse(body) as ReceivedEmail;
      const id = `re_${this.delivered.length + 1}`;
      this.delivered.push({ id, idempotencyKey, email });
      if (idempotencyKey) this.byKey.set(idempotencyKey, id);
      send(200, { id });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (data += chunk));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
