import type { NeonConfig } from "@neondatabase/serverless";
import { createServer } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface NeonWsProxy {
  /** `127.0.0.1:PORT`, without protocol, as neonConfig.wsProxy expects. */
  host: string;
  close(): Promise<void>;
}

/** Past this many bytes queued towards the WebSocket, stop reading from Postgres until it drains. */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * The WebSocket-to-TCP relay Neon documents for local Postgres (tests and benchmarks only):
 * `ws://HOST/v1?address=host:port` carries the Postgres wire protocol as binary frames.
 */
export async function startNeonWsProxy(port = 0): Promise<NeonWsProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(426).end("WebSocket upgrade required\n"));
  const wss = new WebSocketServer({ noServer: true });

  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const target = /^(.+):(\d+)$/.exec(url.searchParams.get("address") ?? "");
    if (url.pathname !== "/v1" || !target) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tcp = connect(Number(target[2]), target[1]);
      sockets.add(tcp);
      tcp.once("close", () => sockets.delete(tcp));
      relay(ws, tcp);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;

  return {
    host: `127.0.0.1:${address.port}`,
    async close() {
      for (const tcp of sockets) tcp.destroy();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function relay(ws: WebSocket, tcp: Socket): void {
  ws.on("message", (data) => {
    // net.Socket buffers writes made before it connects, so no message is lost during the handshake.
    if (!tcp.write(data as Buffer)) ws.pause();
  });
  tcp.on("drain", () => ws.resume());
  tcp.on("data", (chunk) => {
    ws.send(chunk, () => {
      if (tcp.isPaused() && ws.bufferedAmount < HIGH_WATER_BYTES) tcp.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER_BYTES) tcp.pause();
  });
  // Half-close towards Postgres so it sees the client's Terminate and shuts the session down itself.
  ws.on("close", () => tcp.end());
  ws.on("error", () => tcp.destroy());
  tcp.on("close", (hadError) => {
    if (ws.readyState === ws.OPEN) ws.close(hadError ? 1011 : 1000);
  });
  tcp.on("error", () => undefined); // reported through "close" above
}

/**
 * The neonConfig settings for a local proxy: plain ws (no TLS), no pipelined startup (it needs
 * password auth). Assign them to `neonConfig`; on Node also set `webSocketConstructor = ws`.
 */
export function neonLocalOptions(proxyHost: string): Pick<NeonConfig, "wsProxy" | "useSecureWebSocket" | "pipelineTLS" | "pipelineConnect"> {
  return {
    wsProxy: (host, port) => `${proxyHost}/v1?address=${host}:${port}`,
    useSecureWebSocket: false,
    pipelineTLS: false,
    pipelineConnect: false,
  };
}
