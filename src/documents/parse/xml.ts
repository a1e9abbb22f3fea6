import { parseDocument } from "htmlparser2";

/** An XML element as htmlparser2 leaves it (xmlMode: names keep their prefix and case). */
export interface XmlNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: XmlNode[];
}

/**
 * A DTD-checked part (see ooxml.checkedXml) as a tree. htmlparser2 knows no DTDs, so no entity but
 * the five XML ones and numeric references is ever expanded.
 */
export const parseXml = (xml: string): XmlNode => parseDocument(xml, { xmlMode: true, decodeEntities: true }) as unknown as XmlNode;

export const elements = (node: XmlNode): XmlNode[] => (node.children ?? []).filter((c) => c.type === "tag");
export const child = (node: XmlNode, name: string): XmlNode | undefined => elements(node).find((c) => c.name === name);

/** Every element named `name` below `node`, in document order, not descending into matches. */
export function findAll(node: XmlNode, name: string, out: XmlNode[] = []): XmlNode[] {
  for (const c of elements(node)) {
    if (c.name === name) out.push(c);
    else findAll(c, name, out);
  }
  return out;
}

/** The text of the `text`-named runs below `node` (`w:t` in Word, `a:t` in DrawingML), joined. */
export function runText(node: XmlNode, text: string): string {
  if (node.type === "text") return "";
  if (node.name === text) return (node.children ?? []).map((c) => c.data ?? "").join("");
  return (node.children ?? []).map((c) => runText(c, text)).join("");
}

/** One line per paragraph (`w:p`, `a:p`) below `node`, blank ones dropped. */
export const paragraphs = (node: XmlNode, paragraph: string, text: string): string[] =>
  findAll(node, paragraph).map((p) => runText(p, text).replace(/\s+/g, " ").trim()).filter((line) => line !== "");
