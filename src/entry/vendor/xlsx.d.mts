// Types of ./xlsx.mjs, SheetJS's ESM build minified by scripts/build-worker-vendor.mjs, which the Worker uploads as a module of its own.
export * from "@e965/xlsx";
