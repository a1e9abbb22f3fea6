import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { linesAt, png, render } from "../support/scans";

// The child runs in an empty folder, so tsx is named by its path, not resolved from there.
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const support = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));

describe("OCR in a sandbox", () => {
  it("reads a page with language data from node_modules, touching no network and writing no file", async () => {
    const scan = png(await render(linesAt(["Invoice No: SB-42", "Total: 7.25"])));
    const cwd = mkdtempSync(join(tmpdir(), "sluice-ocr-cwd-"));
    const tmp = mkdtempSync(join(tmpdir(), "sluice-ocr-tmp-"));
    try {
      const child = spawnSync(process.execPath, ["--require", support("sandbox-guard.cjs"), "--import", tsxLoader, support("sandboxed-ocr.ts")], {
        cwd,
        env: { PATH: process.env.PATH, HOME: cwd, TMPDIR: tmp, SCAN_PNG_BASE64: Buffer.from(scan).toString("base64"), TSX_DISABLE_CACHE: "1" },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(child.stderr).not.toContain("GUARD-VIOLATION");
      if (!child.stdout.includes("READ")) console.log(child.stderr.slice(0, 3000));
      expect(child.stdout).toMatch(/READ .*SB-42.*7\.25/);
      // The guard ran in the process, the OCR thread and tesseract's own thread.
      expect(child.stderr.match(/GUARD-INSTALLED/g)?.length).toBeGreaterThanOrEqual(3);
      expect(readdirSync(cwd)).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 130_000);
});
