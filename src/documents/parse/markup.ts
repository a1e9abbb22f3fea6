import { DomHandler, Parser } from "htmlparser2";
import { MAX_NESTING, tooDeep } from "./limits";

/**
 * A DOM builder that refuses a tree nested past MAX_NESTING. htmlparser2 keeps its open elements
 * in an array it shifts and searches on every tag, so a million unclosed tags cost the square of
 * their number; refusing at the bound keeps that array short and the whole parse linear.
 */
class BoundedHandler extends DomHandler {
  private depth = 0;

  constructor(private readonly what: string) {
    super(undefined, { withStartIndices: false });
  }

  override onopentag(name: string, attribs: Record<string, string>) {
    if (++this.depth > MAX_NESTING) throw tooDeep(this.what);
    super.onopentag(name, attribs);
  }

  override onclosetag() {
    this.depth--;
    super.onclosetag();
  }
}

/**
 * HTML or XML text as a DOM, nested at most MAX_NESTING deep (`nesting_too_deep` otherwise).
 * Every markup parser (HTML, and the XML inside Office files) should build its tree here.
 */
export function parseMarkup(text: string, options: { xmlMode?: boolean } = {}): DomHandler["root"] {
  const handler = new BoundedHandler(options.xmlMode ? "XML" : "HTML");
  const parser = new Parser(handler, { decodeEntities: true, xmlMode: options.xmlMode ?? false });
  parser.end(text);
  return handler.root;
}
