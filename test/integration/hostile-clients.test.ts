import { beforeAll, describe, expect, it } from "vitest";
import { first } from "../../db/client";
import { debtors } from "../../db/tables";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { seededDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { testEnv } from "../support/env";
import { EnvError, getEnv, parseEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { clientIp } from "~/services/http/rate-limits.server";
import { PEER_ADDRESS_HEADER, stampPeerAddress } from "~/utils/peer-address";
import * as landing from "~/routes/l.$token";
import { RATE_LIMITS } from "~/domain/rate-limit";
import { args, outcome } from "../support/routes";

/**
 * Who the client is (issue 12, item 3): the socket's address unless TRUST_PROXY says how many
 * proxies to believe, a header no client can set, and link pages limited per client and per link.
 */
const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const statusOf = (r: unknown) => (r instanceof Response ? r.status : ((r as { init?: { status?: number } } | undefined)?.init?.status ?? 200));

describe("TRUST_PROXY", () => {
  it("is off unless set, takes a number of hops, and names itself when it is wrong", () => {
    expect(parseEnv(testEnv({ TRUST_PROXY: "" })).TRUST_PROXY).toBe(0);
    expect(parseEnv(testEnv({ TRUST_PROXY: "off" })).TRUST_PROXY).toBe(0);
    expect(parseEnv(testEnv({ TRUST_PROXY: "2" })).TRUST_PROXY).toBe(2);
    for (const wrong of ["yes", "-1", "1.5", "true"]) {
      expect(() => parseEnv(testEnv({ TRUST_PROXY: wrong }))).toThrow(EnvError);
      expect(() => parseEnv(testEnv({ TRUST_PROXY: wrong }))).toThrow(/TRUST_PROXY: must be "off" or the number of proxies/);
    }
  });

  const from = (headers: Record<string, string>) => new Request(`${BASE}/l/x`, { headers });
  it("without it, X-Forwarded-For is ignored and the socket's address decides", () => {
    const spoofed = from({ [PEER_ADDRESS_HEADER]: "198.51.100.9", "X-Forwarded-For": "203.0.113.1" });
    expect(clientIp(spoofed, 0)).toBe("198.51.100.9");
  });

  it("with n hops, the entry the outermost trusted proxy appended, whatever the client prepended", () => {
    const viaTwo = from({ [PEER_ADDRESS_HEADER]: "10.0.0.2", "X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.0.0.1" });
    expect(clientIp(viaTwo, 1)).toBe("10.0.0.1");
    expect(clientIp(viaTwo, 2)).toBe("203.0.113.7");
    expect(clientIp(from({ [PEER_ADDRESS_HEADER]: "10.0.0.2" }), 1)).toBe("10.0.0.2");
  });
});

describe("the server wrapper, on a real socket", () => {
  async function serve(): Promise<{ port: number; seen: IncomingHttpHeaders[]; close: () => void }> {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      stampPeerAddress(req.headers, req.socket.remoteAddress);
      seen.push(req.headers);
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, seen, close: () => server.close() };
  }
  const get = (port: number, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) =>
      httpRequest({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on("error", reject)
        .end(),
    );

  it("a client cannot choose the address the app sees by sending the header itself", async () => {
    const { port, seen, close } = await serve();
    try {
      expect(await get(port, { [PEER_ADDRESS_HEADER]: "6.6.6.6" })).toBe(200);
      expect(seen.at(-1)![PEER_ADDRESS_HEADER]).toBe("127.0.0.1");
    } finally {
      close();
    }
  });

  it("oversized headers get 431 from Node itself, before the app runs", async () => {
    const { port, seen, close } = await serve();
    try {
      expect(await get(port, { Cookie: `__Host-sid=${"A".repeat(20_000)}` })).toBe(431);
      expect(seen).toHaveLength(0);
    } finally {
      close();
    }
  });
});

describe("link pages are limited per client and per link", () => {
  beforeAll(async () => {
    const { path } = await seededDb("2026-11-20");
    useDatabase(path);
    process.env.TEST_FIXED_NOW = NOW;
    resetEnvCache();
    closeDb();
  });
  const open = (token: string, ip: string) => outcome(() => landing.loader(args(new Request(`${BASE}/l/${token}`, { headers: { "X-Forwarded-For": ip } }), { token })));

  it("one link opened from many addresses is refused with 429 past its limit, and opening writes nothing else", async () => {
    const env = getEnv();
    const debtorId = first(await getDb().select({ id: debtors.id }).from(debtors).limit(1))!.id;
    const token = await signLink(env, await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) }));
    const before = await databaseDigest(getDb());
    for (let i = 0; i < RATE_LIMITS.linkToken.limit; i++) expect(statusOf(await open(token, `192.0.2.${i % 250}`))).toBe(200);
    const refused = await open(token, "192.0.2.200");
    expect(statusOf(refused)).toBe(429);
    expect(await databaseDigest(getDb())).toEqual(before);
  });

  it("one client opening many links is refused with 429 past its limit, other clients are not", async () => {
    const statuses: number[] = [];
    const limit = RATE_LIMITS.linkLandingIp.limit;
    for (let i = 0; i <= limit; i++) statuses.push(statusOf(await open(`made-up-${i}`, "198.51.100.50")));
    expect(statuses.slice(0, limit).every((s) => s === 410)).toBe(true);
    expect(statuses[limit]).toBe(429);
    expect(statusOf(await open("made-up-x", "198.51.100.51"))).toBe(410);
  });
});
