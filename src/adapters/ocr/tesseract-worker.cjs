// tesseract.js's own Node worker script with the two things it does by itself replaced: language data
// comes from each language's npm package (@tesseract.js-data/<code>), and nothing is ever fetched or
// written (its default is a CDN download cached in the working folder).
"use strict";
const { parentPort } = require("node:worker_threads");
const { readFile } = require("node:fs/promises");
const path = require("node:path");
const worker = require("tesseract.js/src/worker-script");
const getCore = require("tesseract.js/src/worker-script/node/getCore");
const gunzip = require("tesseract.js/src/worker-script/node/gunzip");

/** `<langPath>/<code>.traineddata.gz` → the file inside that language's package (integer "best" LSTM models). */
function languageFile(requested) {
  const code = /^([a-z]{3}(?:_[a-z]+)?)\.traineddata\.gz$/.exec(path.basename(requested))?.[1];
  if (!code) throw new Error(`not a language data file: ${requested}`);
  const root = path.dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
  return path.join(root, "4.0.0_best_int", `${code}.traineddata.gz`);
}

parentPort.on("message", (packet) => worker.dispatchHandlers(packet, (reply) => parentPort.postMessage(reply)));

worker.setAdapter({
  getCore,
  gunzip,
  fetch: async (url) => { throw new Error(`network access is disabled (asked for ${url})`); },
  readCache: (file) => readFile(languageFile(file)),
  writeCache: async (file) => { throw new Error(`writing is disabled (asked for ${file})`); },
  deleteCache: async () => undefined,
  checkCache: async () => false,
});
