import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Raised when another live process holds the embedded data folder; the message says what to do. */
export class DataDirInUse extends Error {}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

function holder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One process per embedded data folder: PGlite has no locking of its own, and two processes
 * writing one folder lose each other's writes. The lock file holds the owner's pid; a lock whose
 * owner died (kill -9, power loss) is taken over. Released when this process exits.
 */
export function lockDataDir(dataDir: string, what: string): void {
  const path = join(dataDir, "sluice.lock");
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      process.once("exit", () => holder(path) === process.pid && unlinkSync(path));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = holder(path);
    if (pid !== undefined && pid !== process.pid && alive(pid)) {
      throw new DataDirInUse(
        `${what}: the data folder ${dataDir} is in use by process ${pid} (npm start?). ` +
          "Stop that process first, or work through its HTTP API (POST /v1/api-keys with an admin key makes more keys).",
      );
    }
    unlinkSync(path);
  }
  throw new DataDirInUse(`${what}: could not lock the data folder ${dataDir}; remove ${path} if no Sluice process runs`);
}
