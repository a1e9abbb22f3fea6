// Preloaded (node --require) into a process and, through execArgv, into every worker thread it starts:
// any network connection, DNS lookup or fetch, and any file write, fails and is reported on stderr,
// except writes under SANDBOX_WRITABLE (none by default).
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const dns = require("node:dns");
const { threadId } = require("node:worker_threads");

const report = (what) => {
  process._rawDebug(`GUARD-VIOLATION ${what}`);
  throw new Error(`forbidden by the sandbox: ${what}`);
};
const writable = process.env.SANDBOX_WRITABLE;
const checkPath = (path, what) => {
  const text = String(path instanceof URL ? path.pathname : path);
  if (!writable || !text.startsWith(writable)) report(`${what} ${text}`);
};
const writesFlag = (flags) => typeof flags === "string" ? /[wa+]/.test(flags) : typeof flags === "number" && (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0;

// Local sockets (a pipe or Unix socket path, as loaders and stdio use) are not the network.
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === "object" && args[0] !== null && !Array.isArray(args[0]) ? args[0] : {};
  const local = typeof args[0] === "string" || (Array.isArray(args[0]) && typeof args[0][0]?.path === "string") || typeof options.path === "string";
  if (!local) report(`network connect ${JSON.stringify(options.host ?? args[1] ?? "")}:${options.port ?? args[0]}`);
  return originalConnect.apply(this, args);
};
dns.lookup = () => report("dns lookup");
globalThis.fetch = async (url) => report(`fetch ${url}`);
for (const name of ["writeFile", "writeFileSync", "appendFile", "appendFileSync", "mkdir", "mkdirSync", "createWriteStream", "rename", "renameSync", "unlink", "unlinkSync"]) {
  const original = fs[name];
  fs[name] = function (path, ...rest) {
    checkPath(path, name);
    return original.call(this, path, ...rest);
  };
}
for (const name of ["open", "openSync"]) {
  const original = fs[name];
  fs[name] = function (path, flags, ...rest) {
    if (writesFlag(flags)) checkPath(path, `${name}(${flags})`);
    return original.call(this, path, flags, ...rest);
  };
}
for (const name of ["writeFile", "appendFile", "mkdir", "rename", "unlink"]) {
  const original = fs.promises[name];
  fs.promises[name] = function (path, ...rest) {
    checkPath(path, `promises.${name}`);
    return original.call(this, path, ...rest);
  };
}
const originalOpen = fs.promises.open;
fs.promises.open = function (path, flags, ...rest) {
  if (writesFlag(flags)) checkPath(path, `promises.open(${flags})`);
  return originalOpen.call(this, path, flags, ...rest);
};
process._rawDebug(`GUARD-INSTALLED thread ${threadId}`);
