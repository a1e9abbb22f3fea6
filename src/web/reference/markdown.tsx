import type { FC } from "hono/jsx";

/**
 * The Markdown the OpenAPI descriptions use — paragraphs, bullet and numbered lists, fenced code,
 * headings, **bold**, *emphasis*, `code` and [links](…) — rendered as elements (text stays escaped),
 * so /docs never shows raw markup. Anything else stays plain text.
 */
const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])|(?<!\w)_([^_\s][^_]*?)_(?!\w)/g;
/** Only our own pages and the web: a `javascript:` link in a description becomes inert. */
const safeHref = (href: string) => (/^(https?:|\/|#)/.test(href) ? href : "#");

export function inline(text: string): unknown[] {
  const parts: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    parts.push(text.slice(last, match.index));
    const [, bold, code, label, href, em, underscored] = match;
    if (bold !== undefined) parts.push(<strong>{inline(bold)}</strong>);
    else if (code !== undefined) parts.push(<code>{code}</code>);
    else if (label !== undefined) parts.push(<a href={safeHref(href)}>{label}</a>);
    else parts.push(<em>{em ?? underscored}</em>);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** One line's worth of Markdown (a field description, a summary): inline markup only. */
export const Inline: FC<{ text: string }> = ({ text }) => <>{inline(text)}</>;

type Block =
  | { kind: "p"; text: string }
  | { kind: "code"; text: string; lang: string }
  | { kind: "ul"; items: string[] }
  | { kind: "ol"; items: string[] }
  | { kind: "h"; text: string };

const FENCE = /^\s*```\s*([\w-]*)\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^\s*#{1,6}\s+(.*)$/;

/** Splits text into blocks; a list item's wrapped lines join the item, a paragraph's join with spaces. */
export function blocks(text: string): Block[] {
  const out: Block[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push({ kind: "p", text: para.join(" ").trim() });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !FENCE.test(lines[i])) body.push(lines[i]);
      out.push({ kind: "code", text: body.join("\n"), lang: fence[1] });
      continue;
    }
    const item = BULLET.exec(line) ?? NUMBERED.exec(line);
    if (item) {
      flush();
      const kind = BULLET.test(line) ? "ul" : "ol";
      const prev = out.at(-1);
      if (prev?.kind === kind) prev.items.push(item[1]);
      else out.push({ kind, items: [item[1]] });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      out.push({ kind: "h", text: heading[1] });
      continue;
    }
    const prev = out.at(-1);
    if (line.trim() === "") flush();
    else if (para.length === 0 && /^\s+\S/.test(line) && (prev?.kind === "ul" || prev?.kind === "ol")) {
      prev.items[prev.items.length - 1] += ` ${line.trim()}`;
    } else para.push(line.trim());
  }
  flush();
  return out;
}

/** A description as elements. */
export const Markdown: FC<{ text: string }> = ({ text }) => (
  <>{blocks(text).map((b) => {
    if (b.kind === "code") return <pre class="md-code"><code class={b.lang ? `language-${b.lang}` : undefined}>{b.text}</code></pre>;
    if (b.kind === "h") return <p class="md-heading"><strong>{inline(b.text)}</strong></p>;
    if (b.kind === "ul" || b.kind === "ol") {
      const items = b.items.map((t) => <li>{inline(t)}</li>);
      return b.kind === "ul" ? <ul class="md-list">{items}</ul> : <ol class="md-list">{items}</ol>;
    }
    return <p>{inline(b.text)}</p>;
  })}</>
);
