/**
 * The Worker bundle aliases mammoth, postal-mime and msgreader here (wrangler.toml [alias]): bundled,
 * they were ~590 KB compiled at every isolate start. worker.ts loads src/entry/vendor/<name>.mjs
 * instead (built by scripts/build-worker-vendor.mjs), each compiled on the first document of its format.
 */
export {};
throw new Error("the Office and e-mail parsers are separate modules in the Worker: loadMammothWith / loadMessageParsersWith must run first");
