import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDohResolver } from "../../src/adapters/dns/doh";
import type { HostResolver } from "../../src/adapters/dns/interface";
import { nodeResolver } from "../../src/adapters/dns/node";
import { createNodeFetcher } from "../../src/adapters/fetch/node";
import { isBlockedAddress } from "../../src/documents/address";
import { fetchDocument, permitsAddress, urlProblem, type FetchPolicy } from "../../src/documents/fetch";
import { PermanentPhaseError } from "../../src/documents/model";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes: Record<string, Handler> = {};
const hits: string[] = [];
let closedEarly = 0;
let port = 0;
const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  hits.push(path);
  (routes[path] ?? ((_q: IncomingMessage, r: ServerResponse) => r.writeHead(404).end()))(req, res);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  Object.assign(routes, {
    "/doc.txt": (_q, r) => r.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("Total: 1.00"),
    "/hop": (_q, r) => r.writeHead(302, { location: "/doc.txt" }).end(),
    "/loop": (_q, r) => r.writeHead(301, { location: "/loop" }).end(),
    "/to-private": (_q, r) => r.writeHead(307, { location: "http://10.0.0.7/secret" }).end(),
    "/to-metadata-name": (_q, r) => r.writeHead(302, { location: `http://metadata.test:${port}/latest` }).end(),
    "/declared-big": (_q, r) => r.writeHead(200, { "content-length": "5000" }).end("x".repeat(5000)),
    "/endless": (_q, r) => {
      r.writeHead(200, { "content-type": "text/plain" });
      const chunk = "x".repeat(16 * 1024);
      const write = () => { while (!r.destroyed && r.write(chunk)); };
      r.on("drain", write);
      r.on("close", () => { closedEarly++; r.removeAllListeners("drain"); });
      write();
    },
    "/trickle": (_q, r) => {
      r.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => r.write("x"), 50);
      r.on("close", () => clearInterval(timer));
    },
    "/gone": (_q, r) => r.writeHead(404).end("no"),
    "/busy": (_q, r) => r.writeHead(503).end(),
    "/slow-down": (_q, r) => r.writeHead(429).end(),
  } satisfies Record<string, Handler>);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A DNS stand-in: public-looking names answer whatever the test says. */
const dns = (answers: Record<string, string[] | (() => string[])>): HostResolver => ({
  resolve: async (host) => {
    const answer = answers[host];
    return typeof answer === "function" ? answer() : answer ?? [];
  },
});

function policy(resolver: HostResolver, allow: string[] = [], overrides: Partial<FetchPolicy> = {}): FetchPolicy {
  const allowHosts = new Set(allow);
  return { resolver, allowHosts, fetcher: createNodeFetcher(resolver, permitsAddress(allowHosts)), timeoutMs: 2000, maxBytes: 1024, maxRedirects: 3, ...overrides };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error & { code?: string };
}

describe("blocked addresses", () => {
  it.each([
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.5", "203.0.113.9",
    "::1", "::", "[::1]", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:a00:1", "0:0:0:0:0:ffff:10.0.0.1", "::ffff:0:10.0.0.1",
    "::7f00:1", "fd00:ec2::254", "fc00::1", "fe80::1%eth0", "fec0::1", "ff02::1", "64:ff9b::a00:1", "64:ff9b:1::1",
    "2002:7f00:1::1", "2001:0:4136:e378::1", "2001:db8::1", "100::1",
    "not-an-ip", "1.2.3", "256.1.1.1", "1::2::3", "12345::",
  ])("refuses %s", (ip) => expect(isBlockedAddress(ip)).toBe(true));

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "allows %s",
    (ip) => expect(isBlockedAddress(ip)).toBe(false),
  );
});

describe("URL checks without the network", () => {
  it.each([
    ["http://127.0.0.1:8080/x", "points at a private or reserved address"],
    ["http://2130706433/", "points at a private or reserved address"],
    ["http://0x7f.1/", "points at a private or reserved address"],
    ["http://[::ffff:127.0.0.1]/", "points at a private or reserved address"],
    ["http://[::1]:8080/", "points at a private or reserved address"],
    ["http://169.254.169.254/latest/meta-data/", "points at a private or reserved address"],
    ["http://10.0.0.1/", "points at a private or reserved address"],
    ["http://localhost:3000/", "points at a local host name"],
    ["http://api.localhost/", "points at a local host name"],
    ["http://metadata.google.internal/", "points at a local host name"],
    ["file:///etc/passwd", "must use http or https"],
    ["gopher://example.com/", "must use http or https"],
    ["http://user:secret@example.com/", "must not carry credentials"],
    ["not a url", "is not a valid URL"],
  ])("%s → %s", (url, problem) => {
    // A refusal the setting could lift names the setting and the host to put in it.
    const host = () => new URL(url).hostname.replace(/^\[|\]$/g, "");
    const expected = problem.startsWith("points at") ? `${problem} (to allow it, add ${host()} to the FETCH_ALLOW_HOSTS setting)` : problem;
    expect(urlProblem(url, new Set())).toBe(expected);
  });

  it("passes public URLs, and private hosts on the allow-list", () => {
    expect(urlProblem("https://example.com/a.pdf", new Set())).toBeNull();
    expect(urlProblem("http://127.0.0.1:8080/x", new Set(["127.0.0.1"]))).toBeNull();
    expect(urlProblem("http://[::1]:8080/x", new Set(["::1"]))).toBeNull();
  });
});

describe("fetchDocument", () => {
  it("fetches through the resolver's answer and follows a redirect", async () => {
    // files.test exists only in this resolver: a success proves the socket went where the check looked.
    const got = await fetchDocument(`http://files.test:${port}/hop`, policy(dns({ "files.test": ["127.0.0.1"] }), ["127.0.0.1"]));
    expect(new TextDecoder().decode(got.bytes)).toBe("Total: 1.00");
    expect(got.contentType).toBe("text/plain; charset=utf-8");
    expect(got.url).toBe(`http://files.test:${port}/doc.txt`);
  });

  it("refuses loopback, 10.x and the metadata address, by literal or by name, before any request", async () => {
    hits.length = 0;
    const resolver = dns({ "loop.test": ["127.0.0.1"], "private.test": ["8.8.8.8", "10.0.0.9"], "meta.test": ["169.254.169.254"] });
    for (const url of [`http://127.0.0.1:${port}/doc.txt`, `http://loop.test:${port}/doc.txt`, "http://10.2.3.4/doc.txt", `http://private.test:${port}/doc.txt`,
      "http://169.254.169.254/latest/meta-data/", `http://meta.test:${port}/doc.txt`]) {
      const error = await failure(fetchDocument(url, policy(resolver)));
      expect(error, url).toBeInstanceOf(PermanentPhaseError);
      expect(error.code, url).toBe("url_refused");
    }
    expect(hits).toEqual([]);
  });

  it("re-checks every redirect: into a private range or to a name resolving there", async () => {
    const resolver = dns({ "files.test": ["127.0.0.1"], "metadata.test": ["169.254.169.254"] });
    for (const path of ["/to-private", "/to-metadata-name"]) {
      const error = await failure(fetchDocument(`http://files.test:${port}${path}`, policy(resolver, ["files.test"])));
      expect([error.code, error.message], path).toEqual(["url_refused", expect.stringMatching(/private or reserved address/)]);
    }
  });

  it("refuses a name that resolves publicly for the check and privately for the connection (DNS rebinding)", async () => {
    hits.length = 0;
    let answers = 0;
    const rebinding = dns({ "rebind.test": () => (answers++ === 0 ? ["93.184.216.34"] : ["127.0.0.1"]) });
    const error = await failure(fetchDocument(`http://rebind.test:${port}/doc.txt`, policy(rebinding)));
    expect([error.code, answers]).toEqual(["url_refused", 2]);
    expect(hits).toEqual([]);
  });

  it("caps redirects", async () => {
    const error = await failure(fetchDocument(`http://127.0.0.1:${port}/loop`, policy(nodeResolver, ["127.0.0.1"])));
    expect([error.code, error.message]).toEqual(["url_refused", "more than 3 redirects"]);
  });

  it("stops at the byte limit, from the declared length or while streaming", async () => {
    const local = policy(nodeResolver, ["127.0.0.1"]);
    expect((await failure(fetchDocument(`http://127.0.0.1:${port}/declared-big`, local))).code).toBe("file_too_large");
    const before = closedEarly;
    expect((await failure(fetchDocument(`http://127.0.0.1:${port}/endless`, local))).code).toBe("file_too_large");
    await expect.poll(() => closedEarly).toBe(before + 1);
  });

  it("gives up on a trickling body at the time limit, as a retryable failure", async () => {
    const error = await failure(fetchDocument(`http://127.0.0.1:${port}/trickle`, policy(nodeResolver, ["127.0.0.1"], { timeoutMs: 300 })));
    expect(error).not.toBeInstanceOf(PermanentPhaseError);
    expect(error.message).toBe(`http://127.0.0.1:${port} did not deliver the document within 300 ms`);
  });

  it("treats 4xx as permanent and 5xx or 429 as retryable", async () => {
    const local = policy(nodeResolver, ["127.0.0.1"]);
    const gone = await failure(fetchDocument(`http://127.0.0.1:${port}/gone`, local));
    expect([gone.code, gone.message]).toEqual(["url_status", `http://127.0.0.1:${port} answered 404`]);
    for (const path of ["/busy", "/slow-down"]) expect(await failure(fetchDocument(`http://127.0.0.1:${port}${path}`, local))).not.toBeInstanceOf(PermanentPhaseError);
  });
});

describe("resolvers", () => {
  it("Node's resolver answers from the system (localhost is loopback)", async () => {
    const addresses = await nodeResolver.resolve("localhost");
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every(isBlockedAddress)).toBe(true);
  });

  it("DNS over HTTPS asks A and AAAA, keeps addresses only, and tells a missing name from a failing resolver", async () => {
    const answers: Record<string, unknown> = {
      "both.test A": { Status: 0, Answer: [{ type: 5, data: "alias.test." }, { type: 1, data: "10.0.0.1" }] },
      "both.test AAAA": { Status: 0, Answer: [{ type: 28, data: "fd00::1" }] },
      "missing.test A": { Status: 3 }, "missing.test AAAA": { Status: 3 },
      "broken.test A": { Status: 2 }, "broken.test AAAA": { Status: 2 },
    };
    routes["/dns-query"] = (req, res) => {
      const q = new URL(req.url ?? "/", "http://x").searchParams;
      expect(req.headers.accept).toBe("application/dns-json");
      res.writeHead(200, { "content-type": "application/dns-json" }).end(JSON.stringify(answers[`${q.get("name")} ${q.get("type")}`]));
    };
    const doh = createDohResolver(`http://127.0.0.1:${port}/dns-query`);
    expect((await doh.resolve("both.test")).sort()).toEqual(["10.0.0.1", "fd00::1"]);
    expect(await doh.resolve("missing.test")).toEqual([]);
    await expect(doh.resolve("broken.test")).rejects.toThrow("DNS lookup of broken.test failed (status 2)");
  });
});
