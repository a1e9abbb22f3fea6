import type { Context, MiddlewareHandler } from "hono";
import * as v from "valibot";
import { sha256Hex } from "../crypto";
import { releaseIdempotencyKey, reserveIdempotencyKey, storeIdempotentResponse } from "../db/queries/idempotency";
import { ApiError, badRequest, conflict } from "../errors";
import type { AppEnv } from "../http/env";
import { failure } from "../http/openapi";
import { reply } from "../http/respond";

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const IdempotencyKey = v.pipe(v.string(), v.minLength(1), v.maxLength(255), v.regex(/^[\x21-\x7e]+$/, "must be printable ASCII"));

/** The answers an operation that honours `Idempotency-Key` adds to its own (with HEADER_PARAMETERS.idempotencyKey). */
export const IDEMPOTENCY_FAILURES = {
  ...failure(409, "A request with this Idempotency-Key is still in progress"),
  ...failure(422, "This Idempotency-Key was used with a different request"),
};

interface Idempotent<TSchema extends v.GenericSchema> {
  schema: TSchema;
  status: 200 | 202;
  /** What the key's fingerprint covers: the request body, and a scope so one key cannot replay as another operation. */
  request: unknown;
  scope?: string;
  /** Does the work; given the key, it stores its response in the same transaction as its effect. */
  run: (key?: string) => Promise<unknown>;
}

/**
 * Runs `run` once per `Idempotency-Key` (24 h): a repeat with the same body replays the first
 * response with `Idempotency-Replayed: true`, another body is a 422, a repeat while the first is
 * still running a 409.
 */
export async function idempotent<TSchema extends v.GenericSchema>(c: Context<AppEnv>, op: Idempotent<TSchema>) {
  const { db } = c.get("services");
  const { organizationId } = c.get("caller");
  const header = c.req.header("Idempotency-Key");
  if (header === undefined) return reply(c, op.schema, await op.run(), op.status);
  const key = v.safeParse(IdempotencyKey, header);
  if (!key.success) throw badRequest("invalid Idempotency-Key header", [{ path: "header.idempotency-key", message: key.issues[0].message }]);
  const fingerprint = await sha256Hex((op.scope ?? "") + JSON.stringify(op.request));
  const reservation = await reserveIdempotencyKey(db, organizationId, key.output, fingerprint, IDEMPOTENCY_TTL_SECONDS);
  if (reservation.kind === "mismatch") throw new ApiError("unprocessable", "this Idempotency-Key was used with a different request");
  if (reservation.kind === "in_flight") throw conflict("a request with this Idempotency-Key is still in progress");
  if (reservation.kind === "replay") {
    c.header("Idempotency-Replayed", "true");
    return reply(c, op.schema, reservation.body, op.status);
  }
  try {
    return reply(c, op.schema, await op.run(key.output), op.status);
  } catch (error) {
    await releaseIdempotencyKey(db, organizationId, key.output);
    throw error;
  }
}

/** The id of what a write made: its own, or that of the first object it answers with (`{dataProduct, shareToken}`). */
const madeId = (body: Record<string, unknown>): unknown =>
  body.id ?? Object.values(body).map((value) => (value as { id?: unknown } | null)?.id).find((id) => id !== undefined);

interface WriteOptions {
  /**
   * What the answer carries that is shown once only (an API key's secret, a share token): then only
   * the id of what was made is stored, and a replay answers 409 naming it instead of the secret.
   */
  shownOnce?: string;
}

/**
 * `Idempotency-Key` for a write whose effect does not store its own response: the key is reserved
 * before the handler, the handler's 2xx answer stored after it (a failure frees the key). The
 * fingerprint is the method, the path (its ids) and the body. Unlike `idempotent`, the response is
 * not written in the effect's transaction: a process dying between the two lets a retry after the
 * 60 s lease run the write again.
 */
export function idempotentWrite(options: WriteOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("Idempotency-Key");
    if (header === undefined) return next();
    const key = v.safeParse(IdempotencyKey, header);
    if (!key.success) throw badRequest("invalid Idempotency-Key header", [{ path: "header.idempotency-key", message: key.issues[0].message }]);
    const { db } = c.get("services");
    const { organizationId } = c.get("caller");
    const fingerprint = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const reservation = await reserveIdempotencyKey(db, organizationId, key.output, fingerprint, IDEMPOTENCY_TTL_SECONDS);
    if (reservation.kind === "mismatch") throw new ApiError("unprocessable", "this Idempotency-Key was used with a different request");
    if (reservation.kind === "in_flight") throw conflict("a request with this Idempotency-Key is still in progress");
    if (reservation.kind === "replay") {
      const stored = reservation.body as Record<string, unknown> | null;
      if (stored && options.shownOnce) {
        throw conflict(`this Idempotency-Key already made ${String(stored.id)}; its ${options.shownOnce} is shown once only and cannot be replayed`);
      }
      c.header("Idempotency-Replayed", "true");
      return stored === null ? c.body(null, reservation.status as 204) : c.json(stored, reservation.status as 200);
    }
    try {
      await next();
    } catch (error) {
      await releaseIdempotencyKey(db, organizationId, key.output);
      throw error;
    }
    if (c.error || c.res.status >= 300) return void (await releaseIdempotencyKey(db, organizationId, key.output));
    const text = await c.res.clone().text();
    const body = text === "" ? null : (JSON.parse(text) as Record<string, unknown>);
    const storable = body && options.shownOnce ? { id: madeId(body) } : body;
    await storeIdempotentResponse(db, organizationId, key.output, c.res.status, storable);
  };
}
