import type { Worker as NodeWorker } from "node:worker_threads";

/**
 * JSON request bodies past this size are decoded and parsed off the event loop (Node): a 13 MB
 * upload (a 10 MiB file as base64) otherwise holds every other request for the length of a
 * UTF-8 decode and a JSON.parse. Smaller bodies are parsed in place: a thread hop costs more.
 */
export const OFF_THREAD_JSON_BYTES = 1024 * 1024;

type Threads = typeof import("node:worker_threads");
const threads = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule?.("node:worker_threads") as Threads | undefined;

// The thread's whole program: bytes in, the parsed value (or that it is not JSON) out.
const PROGRAM = `
const { parentPort } = require("node:worker_threads");
const decoder = new TextDecoder();
parentPort.on("message", ({ id, bytes }) => {
  let value;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return parentPort.postMessage({ id, ok: false });
  }
  parentPort.postMessage({ id, ok: true, value });
});`;

let worker: NodeWorker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

/** One thread for every request's parse (JSON.parse is short, and one at a time keeps memory to one body). */
function thread(t: Threads): NodeWorker {
  if (worker) return worker;
  const started = new t.Worker(PROGRAM, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 256 } });
  started.unref();
  started.on("message", ({ id, ok, value }: { id: number; ok: boolean; value?: unknown }) => {
    const waiting = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) started.unref();
    if (ok) waiting?.resolve(value);
    else waiting?.reject(new SyntaxError("not JSON"));
  });
  // A thread that died (out of memory) fails what it held; the next body starts a new one.
  started.on("exit", () => {
    if (worker === started) worker = null;
    for (const [id, waiting] of pending) (pending.delete(id), waiting.reject(new Error("the JSON thread exited")));
  });
  return (worker = started);
}

/** The JSON value of a body's bytes (UTF-8, as `Request.text()` decodes); a SyntaxError if it is not JSON. */
export async function parseJsonBytes(bytes: ArrayBuffer): Promise<unknown> {
  if (!threads || bytes.byteLength < OFF_THREAD_JSON_BYTES) return JSON.parse(new TextDecoder().decode(bytes));
  const t = thread(threads);
  const id = nextId++;
  const copy = bytes.slice(0); // the request keeps its bytes (an idempotency fingerprint reads them); the copy is moved, not cloned
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    t.ref(); // a parse in flight keeps the process alive; an idle thread does not
    t.postMessage({ id, bytes: copy }, [copy]);
  });
}
