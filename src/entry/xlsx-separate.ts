/**
 * The Worker bundle aliases `@e965/xlsx` here (wrangler.toml [alias]): SheetJS bundled would be
 * evaluated and its tables built at every isolate start. worker.ts loads ./vendor/xlsx.mjs instead (built
 * by scripts/build-worker-vendor.mjs), uploaded as a module of its own and evaluated on the first workbook only.
 */
export {};
throw new Error("SheetJS is a separate module in the Worker: loadXlsxWith(() => import(\"./vendor/xlsx.mjs\")) must run first");
