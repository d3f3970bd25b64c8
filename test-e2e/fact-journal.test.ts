import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IngestEnv } from "../ingest/src/env";
import { packMessages } from "../shared/src/contract/facts-message";
import type { AcceptedFact } from "../shared/src/facts";
import { factStreamKey } from "../shared/src/streams";
import { eventually, fabric, prices } from "./helpers";

const ienv = env as unknown as IngestEnv;
const journals = () => Array.from({ length: 4 }, (_, i) => ienv.JOURNAL.get(ienv.JOURNAL.idFromName(`journal-${i}`)));
const pendingTotal = async () =>
  (await Promise.all(journals().map((j) => j.pending()))).reduce((n, p) => n + p.count, 0);

describe("fact journal", () => {
  it("holds every accepted message until the matcher has applied it", async () => {
    expect(await fabric.facts.push(prices("JRN-A", [1, 2, 3]))).toMatchObject({ accepted: 3 });
    expect(await eventually(pendingTotal, (n) => n === 0)).toBe(0);
  });

  it("re-sends a message whose queue copy was lost, and the matcher applies it once", async () => {
    // An accepted message that never reached the queue (as when a local runtime dies with its
    // in-memory queue): only the journal has it.
    const facts = prices("JRN-B", [5, 6]).map((f, i) => {
      const fact = {
        ...f,
        kind: "market_price" as const,
        eventId: `01JRNB${String(i).padStart(20, "0")}`,
        producerId: "dev-producer",
        receivedAt: 0,
      };
      return { ...fact, streamKey: factStreamKey(fact) } as AcceptedFact;
    });
    const [body] = packMessages(facts, () => ({ shard: 0, id: "lost-message" }));
    const journal = journals()[0];
    if (!journal || !body) throw new Error("setup");
    await journal.append([{ id: "lost-message", body }]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await runDurableObjectAlarm(journal)).toBe(true);
    expect(
      await eventually(
        () => journal.pending(),
        (p) => p.count === 0,
      ),
    ).toMatchObject({ count: 0 });
    const stats = await fabric.stats();
    expect((stats.totals as { factsApplied: number }).factsApplied).toBeGreaterThanOrEqual(2);
    // Sending it again changes nothing: the shard holds those eventIds.
    const [again] = packMessages(facts, () => ({ shard: 0, id: "lost-message-again" }));
    if (!again) throw new Error("setup");
    await journal.append([{ id: "lost-message-again", body: again }]);
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(journal);
    expect(
      await eventually(
        () => journal.pending(),
        (p) => p.count === 0,
      ),
    ).toMatchObject({ count: 0 });
    const after = await fabric.stats();
    expect((after.totals as { duplicates: number }).duplicates).toBeGreaterThanOrEqual(2);
  });
});
