import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { nodeClientIp, workerClientIp } from "../../src/http/client-ip";

const seen = async (resolve: (c: any) => string | undefined, socket: string, headers: Record<string, string>) => {
  const app = new Hono().get("/", (c) => c.text(resolve(c) ?? "none"));
  return (await app.request("/", { headers }, { incoming: { socket: { remoteAddress: socket } } })).text();
};

describe("client IP", () => {
  it("on Node ignores forwarding headers from a client that is not a trusted proxy", async () => {
    const resolve = nodeClientIp(new Set());
    expect(await seen(resolve, "203.0.113.9", { "cf-connecting-ip": "1.2.3.4", "x-forwarded-for": "5.6.7.8" })).toBe("203.0.113.9");
    expect(await seen(resolve, "::ffff:203.0.113.9", {})).toBe("203.0.113.9");
  });

  it("on Node believes a proxy named in TRUST_PROXY, taking the right-most untrusted hop", async () => {
    const resolve = nodeClientIp(new Set(["10.0.0.1", "10.0.0.2"]));
    expect(await seen(resolve, "10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.2" })).toBe("198.51.100.7");
    expect(await seen(resolve, "10.0.0.1", { "cf-connecting-ip": "198.51.100.8" })).toBe("198.51.100.8");
    expect(await seen(resolve, "10.0.0.1", {})).toBe("10.0.0.1");
  });

  it("on Workers reads cf-connecting-ip, which the edge sets", async () => {
    expect(await seen(workerClientIp, "ignored", { "cf-connecting-ip": "198.51.100.9" })).toBe("198.51.100.9");
  });
});
