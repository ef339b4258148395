import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gsm7Segments, isGsm7 } from "~/domain/sms-text";

export type FakeMessage = {
  sid: string;
  to: string;
  body: string;
  from: string | null;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  dateCreated: Date;
};

type Failure = { kind: "error"; status: number; code: number } | { kind: "drop-response" } | { kind: "drop-request" };

const ERROR_MESSAGES: Record<number, string> = {
  20003: "Authenticate",
  21211: "Invalid 'To' Phone Number",
  21602: "Message body is required.",
  21604: "A 'To' phone number is required.",
  21603: "A 'From' phone number is required.",
  21610: "Attempt to send to unsubscribed recipient",
  20429: "Too Many Requests",
  20500: "An internal server error has occurred",
};

/**
 * A local server speaking Twilio's REST wire format for the two calls our SDK makes:
 * create a message (form-encoded POST) and list messages by recipient and date (GET, one page).
 * HTTP Basic auth with the account SID and auth token; errors as { code, message, more_info, status }.
 */
export class FakeTwilio {
  /** Messages Twilio accepted, in order (including those whose response was lost). */
  readonly sent: FakeMessage[] = [];
  /** Every create request received, accepted or not. */
  readonly requests: { to: string; body: string }[] = [];
  /** How many times the message list was asked for (reconciliation lookups, R9). */
  lookups = 0;
  /** Called as each create or list request arrives, before it is answered (tests use it to kill a client mid-call). */
  onRequest: ((kind: "create" | "list") => void) | undefined;
  /** Twilio's own clock: the list filters on it, and tests run at fixed instants. */
  clock: () => Date = () => new Date();
  private failures: Failure[] = [];
  private server: Server | undefined;

  constructor(
    readonly accountSid: string,
    private readonly authToken: string,
  ) {}

  /** The next create answers this error in Twilio's format (e.g. 400 + 21610 for an unsubscribed recipient). */
  failNext(status: number, code = status === 429 ? 20429 : status >= 500 ? 20500 : status) {
    this.failures.push({ kind: "error", status, code });
  }

  /** The next create is accepted and recorded, then the connection dies before the answer (R9). */
  dropResponseNext() {
    this.failures.push({ kind: "drop-response" });
  }

  /** The next create dies before Twilio records anything: the outcome is unknown to the caller, yet nothing was sent. */
  dropRequestNext() {
    this.failures.push({ kind: "drop-request" });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
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
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (!match) return send(res, 404, twilioError(404, 20404, "The requested resource was not found"));
    if (match[1] !== this.accountSid || req.headers.authorization !== basicAuth(this.accountSid, this.authToken)) {
      return send(res, 401, twilioError(401, 20003));
    }
    if (req.method === "POST") {
      this.onRequest?.("create");
      return this.create(req, res, new URLSearchParams(body));
    }
    if (req.method === "GET") {
      this.lookups += 1;
      this.onRequest?.("list");
      return send(res, 200, this.list(url));
    }
    return send(res, 405, twilioError(405, 20004, "Method not allowed"));
  }

  private create(req: IncomingMessage, res: ServerResponse, form: URLSearchParams) {
    const to = form.get("To") ?? "";
    const text = form.get("Body") ?? "";
    this.requests.push({ to, body: text });
    if (!to) return send(res, 400, twilioError(400, 21604));
    if (!text) return send(res, 400, twilioError(400, 21602));
    if (!form.get("From") && !form.get("MessagingServiceSid")) return send(res, 400, twilioError(400, 21603));
    const failure = this.failures.shift();
    if (failure?.kind === "error") return send(res, failure.status, twilioError(failure.status, failure.code));
    if (failure?.kind === "drop-request") return req.socket.destroy();
    const message: FakeMessage = {
      sid: `SM${randomBytes(16).toString("hex")}`,
      to,
      body: text,
      from: form.get("From"),
      messagingServiceSid: form.get("MessagingServiceSid"),
      statusCallback: form.get("StatusCallback"),
      dateCreated: this.clock(),
    };
    this.sent.push(message);
    if (failure?.kind === "drop-response") return req.socket.destroy();
    send(res, 201, this.resource(message, "queued"));
  }

  /** Pages of matches, newest first, as Twilio lists them: `DateSent>` is "on or after", as the SDK's dateSentAfter sends it. */
  private list(url: URL) {
    const q = url.searchParams;
    const after = q.get("DateSent>");
    const before = q.get("DateSent<");
    const messages = this.sent
      .filter((m) => (!q.get("To") || m.to === q.get("To")) && (!q.get("From") || m.from === q.get("From")))
      .filter((m) => (!after || m.dateCreated >= new Date(after)) && (!before || m.dateCreated <= new Date(before)))
      .reverse()
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
    const pageSize = Number(q.get("PageSize") ?? 50);
    const page = Number(q.get("Page") ?? 0);
    const uri = `${url.pathname}${url.search}`;
    const pageUri = (n: number) => {
      const next = new URLSearchParams(q);
      next.set("Page", String(n));
      next.set("PageSize", String(pageSize));
      return `${url.pathname}?${next}`;
    };
    const hasNext = (page + 1) * pageSize < messages.length;
    return {
      messages: messages.slice(page * pageSize, (page + 1) * pageSize).map((m) => this.resource(m, "sent")),
      page,
      page_size: pageSize,
      start: page * pageSize,
      end: Math.min((page + 1) * pageSize, messages.length) - 1,
      uri,
      first_page_uri: pageUri(0),
      next_page_uri: hasNext ? pageUri(page + 1) : null,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    };
  }

  private resource(m: FakeMessage, status: "queued" | "sent") {
    const created = rfc2822(m.dateCreated);
    return {
      account_sid: this.accountSid,
      api_version: "2010-04-01",
      body: m.body,
      date_created: created,
      date_updated: created,
      date_sent: status === "sent" ? created : null,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: "0",
      num_segments: String(segments(m.body)),
      price: null,
      price_unit: "EUR",
      sid: m.sid,
      status,
      subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${m.sid}/Media.json` },
      to: m.to,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${m.sid}.json`,
    };
  }
}

function segments(body: string): number {
  if (isGsm7(body)) return gsm7Segments(body);
  const units = body.length; // UCS-2: 70 alone, 67 per part
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

function twilioError(status: number, code: number, message = ERROR_MESSAGES[code] ?? "Error") {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Twilio's dates: "Fri, 27 Nov 2026 09:00:00 +0000". */
function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

function basicAuth(user: string, password: string) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

function send(res: ServerResponse, status: number, payload: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload));
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
