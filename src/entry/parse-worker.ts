import { parentPort } from "node:worker_threads";
import { PermanentPhaseError } from "../documents/model";
import { directParse } from "../documents/parse/box";

/**
 * The thread a Node parse box runs parses in (src/adapters/parse/threads.ts): parseBytes, called
 * directly, one message at a time. Its heap is bounded by the thread's resourceLimits; the
 * box terminates it past its deadline.
 */
parentPort!.on("message", async ({ bytes, options }) => {
  try {
    parentPort!.postMessage({ ok: true, parsed: await directParse(bytes, options) });
  } catch (error) {
    const code = error instanceof PermanentPhaseError ? error.code : undefined;
    parentPort!.postMessage({ ok: false, code, message: error instanceof Error ? error.message : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
