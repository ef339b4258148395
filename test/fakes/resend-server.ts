import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedEmail = { from: string; to: string | string[]; subject: string; html: string; text: string };

/** One email the fake actually sent (a replay sends nothing), with the call that carried it. */
export type Delivery = { id: string; idempotencyKey: string | undefined; batch: boolean; email: ReceivedEmail };

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A local server speaking Resend's wire format for POST /emails and POST /emails/batch: bearer auth,
 * JSON body, errors as { statusCode, name, message }. As Resend does (for 24 h):
 * - the same Idempotency-Key with the same body replays the first answer and sends nothing;
 * - the same key with another body is refused, 409 invalid_idempotent_request;
 * - a batch is strict by default (one invalid email refuses all), permissive with
 *   `x-batch-validation: permissive` (the valid ones go, the others are listed by index).
 * With `rateLimit` it accepts at most that many requests in any second and answers 429
 * rate_limit_exceeded with Retry-After beyond, like Resend's default 2 requests/s.
 */
export class FakeResend {
  readonly delivered: Delivery[] = [];
  /** Every request that passed authentication, in order, with what the fake answered. */
  readonly requests: { path: string; idempotencyKey: string | undefined; status: number; replayed: boolean; emails: number }[] = [];
  /** Called as each request arrives, before it is answered (tests use it to kill a client mid-call). */
  onRequest: ((path: string) => void) | undefined;
  private readonly byKey = new Map<string, { hash: string; answer: Answer }>();
  private failures: number[] = [];
  private accepted: number[] = [];
  private server: Server | undefined;

  constructor(private readonly options: { rateLimit?: number } = {}) {}

  /** The next requests answer these HTTP statuses instead of sending. */
  failNext(...statuses: number[]) {
    this.failures.push(...statuses);
  }

  get rateLimited(): number {
    return this.requests.filter((r) => r.status === 429).length;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => send(res, { status: 500, body: { statusCode: 500, name: "internal_server_error", message: String(error) } }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const path = req.url ?? "";
    if (req.method !== "POST" || (path !== "/emails" && path !== "/emails/batch")) {
      return send(res, { status: 404, body: { statusCode: 404, name: "not_found", message: "Route not found" } });
    }
    if (req.headers.authorization !== "Bearer re_test_key") {
      return send(res, { status: 401, body: { statusCode: 401, name: "missing_api_key", message: "Missing API key" } });
    }
    this.onRequest?.(path);
    const idempotencyKey = header(req, "idempotency-key");
    const batch = path === "/emails/batch";
    const record = (answer: Answer, replayed = false, emails = 0) => {
      this.requests.push({ path, idempotencyKey, status: answer.status, replayed, emails });
      send(res, answer);
    };

    const limited = this.overLimit();
    if (limited) return record(limited);
    const failure = this.failures.shift();
    if (failure) return record({ status: failure, body: { statusCode: failure, name: failure >= 500 ? "internal_server_error" : "validation_error", message: "Failure injected by the test" } });

    const hash = createHash("sha256").update(`${path}\n${body}`).digest("hex");
    const previous = idempotencyKey ? this.byKey.get(idempotencyKey) : undefined;
    if (previous && previous.hash !== hash) {
      return record({ status: 409, body: { statusCode: 409, name: "invalid_idempotent_request", message: "Same idempotency key used with a different request payload." } });
    }
    if (previous) return record(previous.answer, true);

    const answer = batch ? this.sendBatch(JSON.parse(body) as ReceivedEmail[], idempotencyKey, header(req, "x-batch-validation") === "permissive") : this.sendOne(JSON.parse(body) as ReceivedEmail, idempotencyKey);
    // Resend keeps successful answers under their key; a refused request may be sent again.
    if (idempotencyKey && answer.status === 200) this.byKey.set(idempotencyKey, { hash, answer });
    record(answer, false, batch ? (JSON.parse(body) as unknown[]).length : 1);
  }

  /** Accepted requests in the last second, counted at arrival; a 429 says when the oldest leaves the window. */
  private overLimit(): Answer | null {
    const limit = this.options.rateLimit;
    if (!limit) return null;
    const now = Date.now();
    this.accepted = this.accepted.filter((t) => t > now - 1000);
    if (this.accepted.length < limit) {
      this.accepted.push(now);
      return null;
    }
    const resetMs = this.accepted[0]! + 1000 - now;
    return {
      status: 429,
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests. You can only make 2 requests per second." },
      headers: { "retry-after": String(Math.max(1, Math.ceil(resetMs / 1000))), "ratelimit-limit": String(limit), "ratelimit-remaining": "0", "ratelimit-reset": String(Math.ceil(resetMs / 1000)) },
    };
  }

  private sendOne(email: ReceivedEmail, idempotencyKey: string | undefined): Answer {
    const invalid = invalidEmail(email);
    if (invalid) return { status: 422, body: { statusCode: 422, name: "validation_error", message: invalid } };
    return { status: 200, body: { id: this.deliver(email, idempotencyKey, false) } };
  }

  private sendBatch(emails: ReceivedEmail[], idempotencyKey: string | undefined, permissive: boolean): Answer {
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 100) {
      return { status: 422, body: { statusCode: 422, name: "validation_error", message: "A batch holds 1 to 100 emails." } };
    }
    const problems = emails.map((email, index) => ({ index, message: invalidEmail(email, true) })).filter((p): p is { index: number; message: string } => p.message !== null);
    if (problems.length > 0 && !permissive) {
      return { status: 422, body: { statusCode: 422, name: "validation_error", message: `emails[${problems[0]!.index}]: ${problems[0]!.message}` } };
    }
    const refused = new Set(problems.map((p) => p.index));
    const data = emails.flatMap((email, index) => (refused.has(index) ? [] : [{ id: this.deliver(email, idempotencyKey, true) }]));
    return { status: 200, body: permissive ? { data, errors: problems } : { data } };
  }

  private deliver(email: ReceivedEmail, idempotencyKey: string | undefined, batch: boolean): string {
    const id = `re_${this.delivered.length + 1}`;
    this.delivered.push({ id, idempotencyKey, batch, email });
    return id;
  }
}

function invalidEmail(email: ReceivedEmail, batch = false): string | null {
  if (batch && "attachments" in email && email.attachments) return "Attachments are not supported in batch emails.";
  const to = Array.isArray(email.to) ? email.to : [email.to];
  if (to.length === 0 || to.some((address) => typeof address !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address))) return "Invalid `to` field.";
  if (!email.subject) return "Missing `subject` field.";
  return null;
}

function send(res: ServerResponse, { status, body, headers = {} }: Answer) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
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
