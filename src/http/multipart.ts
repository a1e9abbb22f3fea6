import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context, MiddlewareHandler } from "hono";
import { base64 } from "../crypto";
import { ApiError, badRequest } from "../errors";
import type { AppEnv } from "./env";
import { RESERVED_NAMES } from "../pipeline/types";
import { badText, inspectJson } from "./input-guard";
import { crossProblems, issueDetails, type CrossCheck } from "./validate";

/** Form fields that carry JSON, and those that carry a boolean, as Datalab's run endpoint takes them. */
const JSON_FIELDS = new Set(["fields", "phases", "documents", "preview", "version", "context", "max_cost"]);
const BOOLEAN_FIELDS = new Set(["skip_cache", "run_evals"]);

function fieldValue(key: string, value: string): unknown {
  const reason = RESERVED_NAMES.has(key) ? "is a reserved name" : (badText(key) ?? badText(value));
  if (reason) throw badRequest("invalid multipart field", [{ path: key.replace(/\0/g, "\\0"), message: reason }]);
  if (BOOLEAN_FIELDS.has(key)) return value === "true" ? true : value === "false" ? false : value;
  if (!JSON_FIELDS.has(key)) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw badRequest("invalid multipart field", [{ path: key, message: "must be JSON" }]);
  }
  const problems = inspectJson(parsed, key);
  if (problems.length > 0) throw badRequest("invalid multipart field", problems);
  return parsed;
}

/**
 * Turns a multipart body into the object a JSON body would be: `file.0`, `file.1`… become
 * documents (after any given in `documents`), other fields keep their names.
 */
export async function formInput(form: FormData, maxFileBytes: number): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  const files: Array<[number, File]> = [];
  for (const [key, value] of form.entries()) {
    const slot = /^file\.(\d{1,4})$/.exec(key);
    if (slot) {
      if (typeof value === "string") throw badRequest("invalid multipart field", [{ path: key, message: "must be a file" }]);
      const reason = badText(value.name) ?? badText(value.type);
      if (reason) throw badRequest("invalid multipart field", [{ path: `${key}.filename`, message: reason }]);
      if (value.size > maxFileBytes) throw new ApiError("payload_too_large", `${key} is ${value.size} bytes; the limit is ${maxFileBytes} (MAX_FILE_BYTES)`);
      files.push([Number(slot[1]), value]);
    } else if (typeof value !== "string") {
      throw badRequest("invalid multipart field", [{ path: key, message: "files go in file.0, file.1, …" }]);
    } else input[key] = fieldValue(key, value);
  }
  if (files.length > 0) {
    const uploaded = await Promise.all(files.sort(([a], [b]) => a - b).map(async ([, file]) => ({
      content_base64: base64(new Uint8Array(await file.arrayBuffer())),
      ...(file.name ? { filename: file.name } : {}),
      ...(file.type ? { mime_type: file.type } : {}),
    })));
    input.documents = [...(Array.isArray(input.documents) ? input.documents : []), ...uploaded];
  }
  return input;
}

/**
 * Accepts `multipart/form-data` for a route whose JSON body `schema` validates: the form is
 * converted and validated the same way, then `handle` runs; JSON requests pass on untouched.
 */
export function multipartBody<S extends StandardSchemaV1>(
  schema: S,
  handle: (c: Context<AppEnv>, body: StandardSchemaV1.InferOutput<S>) => Promise<Response>,
  alsoCheck?: CrossCheck,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!/^multipart\/form-data/i.test(c.req.header("content-type") ?? "")) return next();
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw badRequest("malformed multipart body");
    }
    const input = await formInput(form, c.get("services").config.documents.maxFileBytes);
    const result = await schema["~standard"].validate(input);
    if (result.issues) {
      const details = issueDetails(result.issues, undefined, schema, input);
      throw new ApiError("bad_request", "invalid body", [...details, ...(await crossProblems(alsoCheck, input, c, details))]);
    }
    return handle(c, result.value);
  };
}
