// The start bench's reference: the least a process serving on PGlite must do — open PGlite on the
// folder given and answer /healthz with node:http. Plain Node, nothing compiled.
import { PGlite } from "@electric-sql/pglite";
import { createServer } from "node:http";

const db = new PGlite(process.argv[2]);
await db.query("select 1");
createServer((_, res) => res.end("ok")).listen(Number(process.env.PORT));
