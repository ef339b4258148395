import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

type Params = { [key: string]: string | Params | Params[] | string[] };
export type FakeSession = {
  id: string;
  object: "checkout.session";
  mode: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  url: string;
  line_items: { name: string; amount: number; currency: string }[];
};

/**
 * A local server speaking Stripe's wire format for the calls we make (T2): create a Checkout Session
 * (form-encoded POST with the SDK's nested `a[b][0][c]` params, bearer auth, Idempotency-Key replays
 * the first answer), retrieve and expire one, refund a payment intent; errors as { error: { type, message } }. It also signs and
 * delivers webhook events as Stripe does (T4).
 */
export class FakeStripe {
  readonly sessions = new Map<string, FakeSession>();
  readonly refunds: { id: string; object: "refund"; amount: number; currency: string; payment_intent: string; charge: string; reason: string | null; metadata: Record<string, string>; status: string }[] = [];
  /** Every request received, with its decoded params. */
  readonly requests: { method: string; path: string; params: Params; idempotencyKey: string | undefined }[] = [];
  /** Stripe's clock: webhook signatures carry its time. */
  clock: () => Date = () => new Date();
  private readonly byKey = new Map<string, { status: number; body: unknown }>();
  private failures: number[] = [];
  private server: Server | undefined;
  private counter = 0;

  constructor(
    private readonly secretKey = "sk_test_fake",
    readonly webhookSecret = "whsec_fake_test_secret",
  ) {}

  failNext(...statuses: number[]) {
    this.failures.push(...statuses);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => send(res, 500, { error: { type: "api_error", message: String(error) } }));
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
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const params = decodeForm(req.method === "GET" ? url.search.slice(1) : body);
    const idempotencyKey = header(req, "idempotency-key");
    this.requests.push({ method: req.method ?? "", path: url.pathname, params, idempotencyKey });
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      return send(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
    }
    const failure = this.failures.shift();
    if (failure) return send(res, failure, { error: { type: failure >= 500 ? "api_error" : "invalid_request_error", message: "Failure injected by the test" } });

    const expire = /^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/.exec(url.pathname);
    const create =
      req.method !== "POST"
        ? undefined
        : url.pathname === "/v1/checkout/sessions"
          ? () => this.createSession(params)
          : url.pathname === "/v1/refunds"
            ? () => this.createRefund(params)
            : expire
              ? () => this.expireSession(expire[1]!)
              : undefined;
    if (create) {
      const replay = idempotencyKey ? this.byKey.get(idempotencyKey) : undefined;
      if (replay) return send(res, replay.status, replay.body, { "idempotent-replayed": "true" });
      const answer = create();
      if (idempotencyKey) this.byKey.set(idempotencyKey, answer);
      return send(res, answer.status, answer.body);
    }
    const match = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(url.pathname);
    if (req.method === "GET" && match) {
      const session = this.sessions.get(match[1]!);
      return session ? send(res, 200, session) : send(res, 404, { error: { type: "invalid_request_error", code: "resource_missing", message: `No such checkout.session: '${match[1]}'` } });
    }
    send(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname})` } });
  }

  private createSession(params: Params): { status: number; body: unknown } {
    const lines = asList(params.line_items);
    const required = ["mode", "success_url", "cancel_url"].find((key) => typeof params[key] !== "string");
    if (required || lines.length === 0) {
      return { status: 400, body: { error: { type: "invalid_request_error", message: `Missing required param: ${required ?? "line_items"}.`, param: required ?? "line_items" } } };
    }
    const items = lines.map((line) => {
      const price = line.price_data as Params;
      const product = price.product_data as Params;
      return { name: String(product.name), amount: Number(price.unit_amount) * Number(line.quantity ?? 1), currency: String(price.currency) };
    });
    const id = `cs_test_${String(++this.counter).padStart(4, "0")}${"a".repeat(20)}`;
    const session: FakeSession = {
      id,
      object: "checkout.session",
      mode: String(params.mode),
      status: "open",
      payment_status: "unpaid",
      amount_total: items.reduce((sum, item) => sum + item.amount, 0),
      currency: items[0]!.currency,
      client_reference_id: typeof params.client_reference_id === "string" ? params.client_reference_id : null,
      metadata: (params.metadata as Record<string, string>) ?? {},
      payment_intent: null,
      success_url: String(params.success_url),
      cancel_url: String(params.cancel_url),
      expires_at: Number(params.expires_at ?? 0),
      url: `https://checkout.stripe.com/c/pay/${id}`,
      line_items: items,
    };
    this.sessions.set(id, session);
    return { status: 200, body: session };
  }

  /** Only an open session can be expired; a paid one stays paid (Stripe answers 400). */
  private expireSession(id: string): { status: number; body: unknown } {
    const session = this.sessions.get(id);
    if (!session) return { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such checkout.session: '${id}'` } } };
    if (session.status !== "open") return { status: 400, body: { error: { type: "invalid_request_error", message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".` } } };
    session.status = "expired";
    return { status: 200, body: session };
  }

  /** A refund on a paid session's payment intent, never more than what is left of it. */
  private createRefund(params: Params): { status: number; body: unknown } {
    const intent = String(params.payment_intent ?? "");
    const session = [...this.sessions.values()].find((s) => s.payment_intent === intent);
    if (!session) return { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such payment_intent: '${intent}'`, param: "payment_intent" } } };
    const already = this.refunds.filter((r) => r.payment_intent === intent).reduce((sum, r) => sum + r.amount, 0);
    const amount = params.amount === undefined ? session.amount_total - already : Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount + already > session.amount_total) {
      return { status: 400, body: { error: { type: "invalid_request_error", code: "amount_too_large", message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${session.amount_total - already})`, param: "amount" } } };
    }
    const refund = { id: `re_${String(++this.counter).padStart(4, "0")}${"c".repeat(20)}`, object: "refund" as const, amount, currency: session.currency, payment_intent: intent, charge: `ch_${session.id.slice(8)}`, reason: typeof params.reason === "string" ? params.reason : null, metadata: (params.metadata as Record<string, string>) ?? {}, status: "succeeded" };
    this.refunds.push(refund);
    return { status: 200, body: refund };
  }

  /** The session as Stripe would report it once paid; `overrides` fake a tampered or odd event. */
  complete(sessionId: string, overrides: Partial<FakeSession> = {}): FakeSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    Object.assign(session, { status: "complete", payment_status: "paid", payment_intent: `pi_${sessionId.slice(8)}` });
    return { ...session, ...overrides };
  }

  event(type: string, object: unknown, id = `evt_${++this.counter}${"b".repeat(20)}`) {
    return { id, object: "event", api_version: "2026-10-28.endive", created: Math.floor(this.clock().getTime() / 1000), livemode: false, type, data: { object } };
  }

  /** A charge as `charge.refunded` carries it: the cumulative amount refunded. */
  charge(session: FakeSession, amountRefunded: number) {
    return { id: `ch_${session.id.slice(8)}`, object: "charge", amount: session.amount_total, amount_refunded: amountRefunded, currency: session.currency, payment_intent: session.payment_intent ?? `pi_${session.id.slice(8)}`, metadata: session.metadata, refunded: amountRefunded >= session.amount_total };
  }

  dispute(session: FakeSession, amount: number) {
    return { id: `dp_${session.id.slice(8)}`, object: "dispute", amount, currency: session.currency, charge: `ch_${session.id.slice(8)}`, payment_intent: session.payment_intent ?? `pi_${session.id.slice(8)}`, reason: "fraudulent", status: "needs_response" };
  }

  /** The request Stripe would POST to our endpoint: body as sent, Stripe-Signature over it at Stripe's clock. */
  webhookRequest(url: string, event: unknown, options: { tamper?: (body: string) => string } = {}): Request {
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.webhookSecret, timestamp: Math.floor(this.clock().getTime() / 1000) });
    const body = options.tamper ? options.tamper(payload) : payload;
    return new Request(url, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature, "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" }, body });
  }

  /** Delivers a signed event over HTTP, for a running server. */
  async deliver(url: string, event: unknown): Promise<Response> {
    return fetch(this.webhookRequest(url, event));
  }
}

function asList(value: Params[string] | undefined): Params[] {
  if (!value || typeof value === "string") return [];
  return (Array.isArray(value) ? value : Object.values(value)) as Params[];
}

/** Decodes `a[b][0][c]=v` pairs into nested objects and arrays, as Stripe's API does. */
export function decodeForm(text: string): Params {
  const root: Params = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = rawKey.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      if (last) node[part] = value;
      else {
        const nextIsIndex = /^\d+$/.test(path[index + 1]!);
        node[part] ??= nextIsIndex ? [] : {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${Date.now()}`, ...headers });
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
