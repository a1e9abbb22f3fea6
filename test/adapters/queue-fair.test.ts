import { describe, expect, it } from "vitest";
import { createEmbeddedQueue } from "../../src/adapters/queue/embedded";
import { generateSigningKey } from "../../src/adapters/queue/signature";
import { silentLogger } from "../../src/logger";

/** One tenant's burst must not hold another tenant's delivery back by more than a delivery per waiting tenant. */
describe("embedded queue fairness between organizations", () => {
  it("delivers another organization's message within a few deliveries of a 200-message burst", async () => {
    const queue = createEmbeddedQueue({ signingKey: generateSigningKey(), destinationUrl: "http://sluice.test/internal/queue", maxRetries: 0, concurrency: 1, logger: silentLogger });
    const order: string[] = [];
    const burst: number[] = [];
    for (let i = 0; i < 200; i++) await queue.publish({ body: { who: "burst", i }, fairnessKey: "org-a" });
    await queue.publish({ body: { who: "other" }, fairnessKey: "org-b" });
    await queue.publish({ body: { who: "third" }, fairnessKey: "org-c" });
    queue.consume(async (delivery) => {
      const body = JSON.parse(delivery.body);
      order.push(body.who);
      if (body.who === "burst") burst.push(body.i);
      return { status: 200, nonRetryable: false };
    });
    await queue.idle();
    expect(order).toHaveLength(202);
    expect(order.indexOf("other")).toBeLessThanOrEqual(2);
    expect(order.indexOf("third")).toBeLessThanOrEqual(3);
    expect(burst).toEqual(Array.from({ length: 200 }, (_, i) => i)); // within one organization, first in first out
    await queue.close();
  });
});
