import { Worker } from "node:worker_threads";
import { PermanentPhaseError } from "../../documents/model";
import type { ParseBox, ParsedBytes } from "../../documents/parse/box";
import type { ParseOptions } from "../../documents/parse/index";

export interface ThreadBoxOptions {
  /** The worker entry, bundled (src/entry/parse-worker.ts built to .mjs): it calls parseBytes directly. */
  entry: URL;
  /** Wall-clock budget of one parse; its thread has the CPU to itself, so this bounds its CPU time too. */
  timeoutMs: number;
  /** V8 heap ceiling of one parse's thread (old + young generation). */
  memoryMb: number;
  /** Parses running at once; more wait their turn in order. */
  threads: number;
}

type Reply = { ok: true; parsed: ParsedBytes } | { ok: false; code?: string; message: string };

interface Slot {
  worker: Worker;
  served: number;
  /** Settles once the entry has loaded (it says `{ ready: true }`): the deadline counts parsing, not start-up. */
  ready: Promise<void>;
}

/** A thread that has not loaded its entry by then is broken, not hostile: a retryable error. */
const STARTUP_MS = 30_000;

/** A thread is replaced after this many parses, so what a parse leaves behind in its heap is returned. */
const PARSES_PER_THREAD = 20;

/**
 * The Node parse box: each parse runs in a worker thread with `resourceLimits` and a deadline.
 * Passing either terminates the thread (the heap goes with it) and ends the document with
 * `parse_time_limit` or `parse_memory_limit`; the event loop that answers requests never runs
 * the parse. Idle threads are kept (unref'd) for the next parse.
 */
export function createThreadParseBox(options: ThreadBoxOptions): ParseBox & { close(): Promise<void> } {
  const idle: Slot[] = [];
  const waiting: Array<() => void> = [];
  let running = 0;

  const spawn = (): Slot => {
    const worker = new Worker(options.entry, {
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: Math.min(64, options.memoryMb / 4) },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    return { worker, served: 0, ready: started(worker) };
  };

  const release = (slot: Slot | null) => {
    running--;
    if (slot && slot.served < PARSES_PER_THREAD) idle.push(slot);
    else if (slot) void slot.worker.terminate();
    waiting.shift()?.();
  };

  const box = async (bytes: Uint8Array, parseOptions: ParseOptions): Promise<ParsedBytes> => {
    if (running >= options.threads) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    const slot = idle.pop() ?? spawn();
    slot.served++;
    let reusable = false;
    try {
      await slot.ready;
      const reply = await run(slot.worker, bytes, parseOptions, options);
      reusable = true;
      if (reply.ok) return reply.parsed;
      throw reply.code ? new PermanentPhaseError(reply.code, reply.message) : new Error(reply.message);
    } finally {
      release(reusable ? slot : null);
      if (!reusable) void slot.worker.terminate();
    }
  };

  return Object.assign(box, {
    close: async () => {
      await Promise.all(idle.splice(0).map((slot) => slot.worker.terminate()));
    },
  });
}

function started(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the parse thread did not start within ${STARTUP_MS} ms`)), STARTUP_MS);
    worker.ref(); // a thread starting for a parse keeps the process alive, as the parse does
    const settle = (error?: Error) => {
      clearTimeout(timer);
      worker.unref();
      worker.off("message", onMessage).off("error", settle).off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (message: { ready?: boolean }) => message?.ready && settle();
    const onExit = (code: number) => settle(new Error(`the parse thread exited (code ${code}) while starting`));
    worker.on("message", onMessage).on("error", settle).on("exit", onExit);
  });
}

/** One parse on one thread: its reply, or the limit it passed (the caller terminates the thread). */
function run(worker: Worker, bytes: Uint8Array, parseOptions: ParseOptions, limits: ThreadBoxOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      worker.unref();
    };
    const timer = setTimeout(() => {
      done();
      reject(new PermanentPhaseError("parse_time_limit", `parsing took longer than ${limits.timeoutMs} ms; the document is given up`));
    }, limits.timeoutMs);
    const onMessage = (reply: Reply) => {
      done();
      resolve(reply);
    };
    const onError = (error: Error & { code?: string }) => {
      done();
      reject(error.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? new PermanentPhaseError("parse_memory_limit", `parsing needed more than ${limits.memoryMb} MB; the document is given up`)
        : error);
    };
    // A thread that ends without a reply died of something outside the parse: retryable.
    const onExit = (code: number) => {
      done();
      reject(new Error(`the parse thread exited (code ${code}) without an answer`));
    };
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.ref(); // a parse in flight keeps the process alive; an idle thread does not
    worker.postMessage({ bytes, options: parseOptions });
  });
}
