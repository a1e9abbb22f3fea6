import { base64 } from "../../crypto";
import { PermanentPhaseError, type EmbeddedFile, type ParsedTable, type TextMark } from "../model";
import { parseHtml } from "./html";

type PostalMime = (typeof import("postal-mime"))["default"];
type MsgReader = (typeof import("@kenjiuno/msgreader"))["default"];
export interface MessageParsers {
  postalMime: () => Promise<{ default: PostalMime }>;
  msgReader: () => Promise<{ default: MsgReader }>;
}
// Each imported on the first message of its format; the Worker loads them as modules of their own (src/entry/worker.ts).
let parsers: MessageParsers = { postalMime: () => import("postal-mime"), msgReader: () => import("@kenjiuno/msgreader") };
export function loadMessageParsersWith(loaders: MessageParsers): void {
  parsers = loaders;
}

/** Attachments one message may carry: more ends the document (`too_many_attachments`), none is dropped silently. */
export const MAX_ATTACHMENTS = 100;
/** MIME parts nested deeper than this end the document (`too_deeply_nested`); attached mails nest as child documents. */
export const MAX_MIME_DEPTH = 16;

interface Message {
  subject?: string;
  from?: string;
  to?: string[];
  cc?: string[];
  date?: string;
  text?: string;
  html?: string;
  attachments: Array<{ filename: string | null; mime_type: string | null; content: Uint8Array }>;
}

export interface ParsedMessage {
  text: string;
  tables: ParsedTable[];
  marks: TextMark[];
  attachments: EmbeddedFile[];
}

const address = (a?: { name?: string; address?: string }) => (!a ? "" : a.name && a.address ? `${a.name} <${a.address}>` : (a.address ?? a.name ?? ""));

/**
 * The message as one page: its headers (Subject, From, To, Cc, Date) as labelled lines, a blank line,
 * then the body (the HTML body through the HTML parser, with its tables and headings; else the text
 * body). Attachments are kept as embedded files for the transfer phase to make child documents of.
 */
function messageDocument(message: Message): ParsedMessage {
  if (message.attachments.length > MAX_ATTACHMENTS) {
    throw new PermanentPhaseError("too_many_attachments", `the message has ${message.attachments.length} attachments; the limit is ${MAX_ATTACHMENTS}`);
  }
  const head = [
    ["Subject", message.subject], ["From", message.from], ["To", message.to?.join(", ")], ["Cc", message.cc?.join(", ")], ["Date", message.date],
  ].filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`).join("\n");
  const html = message.html ? parseHtml(message.html) : null;
  const body = html ? html.text : (message.text ?? "").replace(/\r\n/g, "\n").trim();
  const offset = head.length + 2;
  const marks = (html?.marks ?? []).map((mark) => ({ ...mark, page: 0, start: mark.start + offset, end: mark.end + offset }));
  return {
    text: `${head}\n\n${body}`,
    tables: (html?.tables ?? []).map((table) => ({ ...table, page: 0, method: "markup" as const })),
    marks,
    attachments: message.attachments.map((a, index) => ({ filename: a.filename, mime_type: a.mime_type, index, content_base64: base64(a.content) })),
  };
}

/** An RFC 822 message (.eml) through postal-mime; attached mails stay whole, as attachments of type message/rfc822. */
export async function parseEml(bytes: Uint8Array): Promise<ParsedMessage> {
  const { default: PostalMime } = await parsers.postalMime();
  let mail: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    mail = await PostalMime.parse(bytes, { forceRfc822Attachments: true, maxNestingDepth: MAX_MIME_DEPTH, attachmentEncoding: "arraybuffer" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EMAXNESTINGDEPTH") throw new PermanentPhaseError("too_deeply_nested", `the message's parts nest deeper than ${MAX_MIME_DEPTH}`);
    throw new PermanentPhaseError("invalid_document", `the message could not be read: ${(error as Error).message}`);
  }
  return messageDocument({
    subject: mail.subject, from: address(mail.from), to: mail.to?.map(address), cc: mail.cc?.map(address), date: mail.date,
    text: mail.text, html: mail.html,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, mime_type: a.mimeType ?? null, content: new Uint8Array(a.content as ArrayBuffer) })),
  });
}

/** msgreader's dates are `Date.toUTCString()` text: ISO like an EML's, so a `date` field reads both alike. */
const isoDate = (text?: string) => (text && !Number.isNaN(Date.parse(text)) ? new Date(text).toISOString() : text);

/** An Outlook message (.msg, an OLE compound file) through msgreader; an embedded message becomes an attachment of its own. */
export async function parseMsg(bytes: Uint8Array): Promise<ParsedMessage> {
  const { default: MsgReader } = await parsers.msgReader();
  try {
    const reader = new MsgReader(bytes.slice().buffer);
    const data = reader.getFileData();
    if (data.error) throw new Error(data.error);
    const recipients = (kind: string) => (data.recipients ?? []).filter((r) => (r.recipType ?? "to") === kind)
      .map((r) => address({ name: r.name, address: r.smtpAddress ?? r.email }));
    const attachments = (data.attachments ?? []).filter((a) => !a.innerMsgContent).map((a) => {
      const file = reader.getAttachment(a);
      return { filename: file.fileName ?? a.fileName ?? null, mime_type: a.attachMimeTag ?? null, content: file.content };
    });
    return messageDocument({
      subject: data.subject, from: address({ name: data.senderName, address: data.senderSmtpAddress ?? data.senderEmail }),
      to: recipients("to"), cc: recipients("cc"), date: isoDate(data.clientSubmitTime ?? data.messageDeliveryTime),
      text: data.body, html: data.bodyHtml, attachments,
    });
  } catch (error) {
    if (error instanceof PermanentPhaseError) throw error;
    throw new PermanentPhaseError("invalid_document", `the Outlook message could not be read: ${(error as Error).message}`);
  }
}
