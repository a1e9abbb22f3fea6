/**
 * The Worker bundle aliases `@e965/xlsx` here (wrangler.toml [alias]): SheetJS bundled would be
 * compiled and its tables built at every isolate start. worker.ts loads ./xlsx.mjs instead, uploaded as
 * a module of its own that workerd compiles on the first workbook only.
 */
export {};
throw new Error("SheetJS is a separate module in the Worker: loadXlsxWith(() => import(\"./xlsx.mjs\")) must run first");
