import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

export interface RedisRestFront {
  url: string;
  token: string;
  close(): Promise<void>;
  /** Redis commands executed so far (a pipeline of n counts n; MULTI/EXEC wrappers are not counted). */
  commands(): number;
}

type Command = [string, ...(string | number)[]];
/** RESP2 replies as ioredis' *Buffer calls give them: bulk and status strings stay raw bytes. */
type Reply = Buffer | number | null | Reply[];

// Upstash's Lua accepts `#!lua flags=allow-key-locking` (a locking hint @upstash/ratelimit ≥ 2.1 sets);
// OSS Redis rejects unknown flags, so scripts are passed on with only the flags Redis knows.
const REDIS_SCRIPT_FLAGS = new Set(["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"]);
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

function withRedisFlags(script: string): string {
  const shebang = /^#!lua(?: flags=(\S*))?[^\n]*/.exec(script);
  if (!shebang) return script;
  const flags = (shebang[1] ?? "").split(",").filter((flag) => REDIS_SCRIPT_FLAGS.has(flag));
  return `#!lua${flags.length > 0 ? ` flags=${flags.join(",")}` : ""}${script.slice(shebang[0].length)}`;
}

const isCommand = (value: unknown): value is Command =>
  Array.isArray(value) &&
  typeof value[0] === "string" &&
  value.every((arg) => ["string", "number", "boolean"].includes(typeof arg));

/**
 * Upstash's REST protocol in front of a real Redis, for tests and benchmarks: POST `/` with one
 * command, `/pipeline` and `/multi-exec` with a list, Bearer auth, and the base64 response
 * encoding `@upstash/redis` asks for by default. Scripts are adapted to OSS Redis (see withRedisFlags).
 */
export async function startRedisRestFront(options: { redisUrl: string; token: string; port?: number }): Promise<RedisRestFront> {
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let executed = 0;
  // Clients address scripts by the SHA-1 of the text they sent; Redis knows them by the SHA-1 of the text it got.
  const redisSha = new Map<string, string>();

  const toRedis = ([name, ...rest]: Command): [string, string[]] => {
    // ioredis reshapes some replies by lower-case command name (HGETALL into an object); upper case keeps Redis' own reply.
    const command = name.toUpperCase();
    const args = rest.map(String);
    if ((command === "EVAL" || command === "EVAL_RO") && args[0] !== undefined) {
      const script = withRedisFlags(args[0]);
      redisSha.set(sha1(args[0]), sha1(script));
      return [command, args.with(0, script)];
    }
    if ((command === "EVALSHA" || command === "EVALSHA_RO") && args[0] !== undefined) {
      return [command, args.with(0, redisSha.get(args[0]) ?? args[0])];
    }
    return [command, args];
  };

  const run = async (path: string, body: unknown, encode: (reply: Reply) => unknown): Promise<[number, unknown]> => {
    if (path === "/") {
      if (!isCommand(body)) return [400, { error: "ERR expected a JSON array command" }];
      executed += 1;
      try {
        return [200, { result: encode((await redis.callBuffer(...toRedis(body))) as Reply) }];
      } catch (error) {
        return [400, { error: (error as Error).message }];
      }
    }
    if (path !== "/pipeline" && path !== "/multi-exec") return [404, { error: `unknown endpoint ${path}` }];
    if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
      return [400, { error: "ERR expected a JSON array of commands" }];
    }
    // ioredis sends a whole pipeline or MULTI…EXEC block in one write, so concurrent requests cannot interleave.
    const batch = path === "/pipeline" ? redis.pipeline() : redis.multi();
    for (const command of body) batch.callBuffer(...toRedis(command));
    executed += body.length;
    try {
      const replies = (await batch.exec()) ?? [];
      return [200, replies.map(([error, reply]) => (error ? { error: error.message } : { result: encode(reply as Reply) }))];
    } catch (error) {
      return [400, { error: (error as Error).message }];
    }
  };

  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: "Unauthorized" });
    if (req.method !== "POST") return send(res, 405, { error: "only POST is supported" });
    // Upstash base64-encodes every string in the result, at any depth; numbers and nulls stay as they are.
    const base64 = req.headers["upstash-encoding"] === "base64";
    const encode = (reply: Reply): unknown =>
      Buffer.isBuffer(reply) ? reply.toString(base64 ? "base64" : "utf8") : Array.isArray(reply) ? reply.map(encode) : reply;
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: "ERR request body is not JSON" });
    }
    const [status, payload] = await run(new URL(req.url ?? "/", "http://front").pathname, body, encode);
    send(res, status, payload);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    commands: () => executed,
    async close() {
      // Clients keep sockets alive between requests; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
}
