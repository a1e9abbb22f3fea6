/**
 * The Node page reader: OCR_WORKERS threads, each rasterising and recognising one page at a time off the
 * event loop (the API keeps answering while pages are read). A page that runs past its time limit has its
 * thread ended (tesseract cannot be interrupted) and a fresh one takes its place for the next page.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { OcrError, type OcrErrorCode, type OcrPage, type OcrRequest, type PageReader } from "./interface";

export interface ThreadReaderOptions {
  workers: number;
  /** Per page, rasterising and recognising together. */
  timeoutMs: number;
}

interface Job {
  action: "read" | "picture";
  request: OcrRequest;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The thread's script: bundled next to the Node entry by `npm start` (scripts/prepare-node.mjs), else the source run through tsx. */
function threadScript(): { script: URL | string; eval: boolean } {
  const built = new URL("./ocr-thread.mjs", import.meta.url);
  if (existsSync(fileURLToPath(built))) return { script: built, eval: false };
  const source = JSON.stringify(new URL("./thread.ts", import.meta.url).href);
  // Named by path: an eval'd thread resolves packages from the working folder, which may be anywhere.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return { script: `import(${tsx}).then(({ register }) => { register(); return import(${source}); })`, eval: true };
}

const tesseractVersion = (): string => createRequire(import.meta.url)("tesseract.js/package.json").version;

export function createThreadReader(options: ThreadReaderOptions): PageReader {
  const script = threadScript();
  const tesseractWorker = fileURLToPath(new URL("./tesseract-worker.cjs", import.meta.url));
  const queue: Job[] = [];
  const idle: Worker[] = [];
  let live = 0;
  let closed = false;

  const spawn = () => {
    live += 1;
    // The heap limit bounds what a page's JavaScript may hold; pixels live in the canvas and wasm memory.
    return new Worker(script.script, { eval: script.eval, workerData: { tesseractWorker }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  };

  const run = (worker: Worker, job: Job) => {
    let settled = false;
    const finish = (fail?: OcrError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off("message", answered).off("error", crashed).off("exit", exited);
      if (fail) {
        live -= 1;
        void worker.terminate();
      } else idle.push(worker);
      pump();
    };
    const timer = setTimeout(() => {
      job.reject(new OcrError("ocr_timeout", `reading the page took longer than ${options.timeoutMs} ms`));
      finish(new OcrError("ocr_timeout", ""));
    }, options.timeoutMs);
    const answered = (reply: { result?: unknown; error?: { code: OcrErrorCode; message: string } }) => {
      if (reply.error) job.reject(new OcrError(reply.error.code, reply.error.message));
      else job.resolve(reply.result);
      finish();
    };
    const crashed = (error: unknown) => {
      job.reject(new OcrError("ocr_failed", `the OCR thread ended: ${error instanceof Error ? error.message : String(error)}`));
      finish(new OcrError("ocr_failed", ""));
    };
    const exited = (code: number) => crashed(new Error(`exit code ${code}`));
    worker.on("message", answered).on("error", crashed).on("exit", exited);
    worker.postMessage({ id: 0, action: job.action, request: job.request });
  };

  const pump = () => {
    while (queue.length > 0 && (idle.length > 0 || live < options.workers)) {
      run(idle.pop() ?? spawn(), queue.shift()!);
    }
  };

  const submit = <T>(action: Job["action"], request: OcrRequest) => new Promise<T>((resolve, reject) => {
    if (closed) return reject(new OcrError("ocr_unavailable", "the OCR reader is closed"));
    queue.push({ action, request, resolve: resolve as (v: unknown) => void, reject });
    pump();
  });

  return {
    engine: `tesseract.js ${tesseractVersion()}`,
    read: (request) => submit<OcrPage>("read", request),
    picture: (request) => submit<Uint8Array>("picture", request),
    async close() {
      closed = true;
      const workers = idle.splice(0);
      live -= workers.length;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
