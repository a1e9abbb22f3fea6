/** One line of a document's text: its page, its offset within that page, and where it sits in the joined text. */
export interface TextLine {
  text: string;
  page: number;
  offset: number;
  at: number;
}

/** Every line of every page, with the pages joined by a newline so patterns can span page breaks. */
export function documentLines(pages: string[]): { lines: TextLine[]; joined: string } {
  const lines: TextLine[] = [];
  let at = 0;
  pages.forEach((text, page) => {
    let offset = 0;
    for (const line of text.split("\n")) {
      lines.push({ text: line, page, offset, at: at + offset });
      offset += line.length + 1;
    }
    at += text.length + 1;
  });
  return { lines, joined: pages.join("\n") };
}
