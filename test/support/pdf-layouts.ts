import { PDFDocument, StandardFonts, degrees, type PDFFont } from "pdf-lib";

/** One drawText at explicit coordinates (pdf-lib's: points, origin bottom-left); items are drawn in list order. */
export interface Drawn {
  text: string;
  x: number;
  y: number;
  size?: number;
  bold?: boolean;
  /** Degrees counter-clockwise, as pdf-lib rotates. */
  rotate?: number;
  /** Right-align: `x` is where the text ends. */
  right?: boolean;
}

export interface DrawnPage {
  items: Drawn[];
  size?: [number, number];
  /** The page's /Rotate, in degrees. */
  rotate?: number;
}

/** A PDF drawn item by item, in the order given: the content stream order a producer chose. */
export async function drawPdf(pages: DrawnPage[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const fonts: Record<"regular" | "bold", PDFFont> = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  for (const spec of pages) {
    const page = pdf.addPage(spec.size ?? [595, 842]);
    if (spec.rotate) page.setRotation(degrees(spec.rotate));
    for (const item of spec.items) {
      const font = item.bold ? fonts.bold : fonts.regular;
      const size = item.size ?? 10;
      const x = item.right ? item.x - font.widthOfTextAtSize(item.text, size) : item.x;
      page.drawText(item.text, { x, y: item.y, size, font, rotate: degrees(item.rotate ?? 0) });
    }
  }
  return pdf.save();
}

/** Width of a text in Helvetica (regular or bold), to draw pieces that touch. */
export async function textWidth(text: string, size: number, bold = false): Promise<number> {
  const pdf = await PDFDocument.create();
  return (await pdf.embedFont(bold ? StandardFonts.HelveticaBold : StandardFonts.Helvetica)).widthOfTextAtSize(text, size);
}
