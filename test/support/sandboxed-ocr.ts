// Run by test/unit/ocr-sandbox.test.ts under sandbox-guard.cjs: reads one scanned page and prints its text.
import { createThreadReader } from "../../src/adapters/ocr/threads";

const page = Buffer.from(process.env.SCAN_PNG_BASE64!, "base64");
const reader = createThreadReader({ workers: 1, timeoutMs: 120_000 });
const read = await reader.read({ kind: "image", bytes: new Uint8Array(page), page: 0, languages: ["eng", "deu"], dpi: 200 });
console.log(`READ ${read.words.map((w) => w.text).join(" ")}`);
await reader.close();
