/**
 * The Worker bundle aliases `unpdf/pdfjs` here (wrangler.toml [alias]): bundled, its 1.6 MB would be
 * compiled at every isolate start. worker.ts instead loads ./pdfjs.mjs, uploaded as a module of its
 * own that workerd compiles on the first PDF only. Reaching this file means that wiring is missing.
 */
export {};
throw new Error("pdf.js is a separate module in the Worker: loadPdfjsWith(() => import(\"./pdfjs.mjs\")) must run first");
