// Types of ./xlsx.mjs, a link to SheetJS's ESM build that the Worker uploads as a module of its own.
export * from "@e965/xlsx";
