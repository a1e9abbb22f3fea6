/** Structured one-line JSON logs; runtimes forward console output to their log sinks. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function line(level: string, msg: string, fields?: Record<string, unknown>) {
  return JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
}

export const consoleLogger: Logger = {
  info: (msg, fields) => console.log(line("info", msg, fields)),
  warn: (msg, fields) => console.warn(line("warn", msg, fields)),
  error: (msg, fields) => console.error(line("error", msg, fields)),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
