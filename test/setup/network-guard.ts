import net from "node:net";

/**
 * Tests never reach the internet (T6): every TCP connection that is not to this machine throws.
 * stripe-node and twilio use node:http, resend uses fetch (undici): all of them go through net.Socket.
 */
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);
const originalConnect = net.Socket.prototype.connect;

function hostOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  if (typeof first === "object" && first !== null) {
    const options = first as { host?: string; path?: string };
    return options.path ? "localhost" : (options.host ?? "localhost");
  }
  if (typeof first === "number") return typeof second === "string" ? second : "localhost";
  return "localhost"; // a Unix socket path
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args);
  if (host && !LOOPBACK.has(host)) {
    throw new Error(`Network guard: a test tried to connect to ${host}; tests talk only to local fakes.`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
