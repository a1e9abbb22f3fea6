import { PDFDocument, PDFHexString, PDFName, StandardFonts } from "pdf-lib";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A PDF with one page per entry; each entry's lines are drawn top-down. */
export async function makePdf(pages: string[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }));
  }
  return pdf.save();
}

/**
 * A PDF that declares standard encryption with a user password: pdf-lib cannot encrypt, but a
 * reader only needs the /Encrypt dictionary (whose check values no empty password satisfies).
 */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText("Total: 1.00");
  const { context } = pdf;
  const encrypt = context.obj({ Filter: PDFName.of("Standard"), V: 1, R: 2, O: PDFHexString.of("11".repeat(32)), U: PDFHexString.of("22".repeat(32)), P: -4 });
  context.trailerInfo.Encrypt = context.register(encrypt);
  context.trailerInfo.ID = context.obj([PDFHexString.of("33".repeat(16)), PDFHexString.of("33".repeat(16))]);
  return pdf.save({ useObjectStreams: false });
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server standing in for the public internet in URL-fetch tests. */
export async function startFileServer(routes: Record<string, Route>) {
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://x").pathname];
    if (route) route(req, res);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A request's whole body as UTF-8 text (the loopback servers tests stand up for receivers). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk)).on("end", () => resolve(Buffer.concat(chunks).toString("utf8"))).on("error", reject);
  });
}
