/**
 * The Neon WebSocket relay in its own process. In production the relay is Neon's side of the
 * wire; run inside the benchmark it would share the event loop it is meant to be measured against.
 * Sends `{ host }` to the parent over IPC once listening and exits when the parent disconnects.
 */
import { startNeonWsProxy } from "../../test/support/neon-ws-proxy";

const proxy = await startNeonWsProxy();
process.send!({ host: proxy.host });
process.on("disconnect", () => void proxy.close().then(() => process.exit(0)));
