import type { FC } from "hono/jsx";

/**
 * The little Markdown the OpenAPI descriptions use — paragraphs, **bold**, `code` and
 * [links](…) — rendered as elements (text stays escaped), so /docs never shows raw markup.
 */
const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text: string) {
  const parts: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    parts.push(text.slice(last, match.index));
    if (match[1] !== undefined) parts.push(<strong>{match[1]}</strong>);
    else if (match[2] !== undefined) parts.push(<code>{match[2]}</code>);
    else parts.push(<a href={/^(https?:|\/|#)/.test(match[4]) ? match[4] : "#"}>{match[3]}</a>);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

export const Markdown: FC<{ text: string; after?: unknown }> = ({ text, after }) => {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, " ").trim()).filter(Boolean);
  return <>{paragraphs.map((p, i) => <p>{inline(p)}{i === paragraphs.length - 1 ? after : null}</p>)}</>;
};
