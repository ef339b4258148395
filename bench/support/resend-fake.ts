/**
 * The Resend fake in a process of its own, so the benchmark's work does not delay how it sees
 * requests arrive (its rate limit counts arrivals). Prints its URL; answers its counters over IPC, and stops when told.
 */
import { FakeResend } from "../../test/fakes/resend-server";

const fake = new FakeResend({ rateLimit: Number(process.env.FAKE_RATE_LIMIT ?? 2) });
const url = await fake.start();
process.send?.({ url });
process.on("message", (message) => {
  if (message === "stop") {
    void fake.stop().then(() => process.exit(0));
    return;
  }
  process.send?.({
    requests: fake.requests.length,
    rateLimited: fake.rateLimited,
    replays: fake.requests.filter((r) => r.replayed).length,
    delivered: fake.delivered.length,
    distinct: new Set(fake.delivered.map((d) => `${[d.email.to].flat().join(",")}\n${d.email.subject}\n${d.email.text}`)).size,
  });
});
