import { PermanentPhaseError } from "../model";
import { isZip, ZipArchive } from "./zip";

/** The Office Open XML kinds we read, told apart by the main part's content type in `[Content_Types].xml`. */
export type OfficeKind = "docx" | "pptx" | "xlsx";

const MAIN_PART: Array<[RegExp, OfficeKind]> = [
  [/wordprocessingml\.document\.main\+xml|ms-word\.(document|template)\.macroEnabled\.main\+xml|wordprocessingml\.template\.main\+xml/i, "docx"],
  [/presentationml\.(presentation|slideshow|template)\.main\+xml|ms-powerpoint\.(presentation|slideshow|template)\.macroEnabled\.main\+xml/i, "pptx"],
  [/spreadsheetml\.(sheet|template)\.main\+xml|ms-excel\.(sheet|template)\.macroEnabled\.main\+xml/i, "xlsx"],
];

/** An XML part that declares a DTD is refused: OOXML never needs one, and entity declarations are how "billion laughs" expand. */
export function checkedXml(xml: string, name: string): string {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new PermanentPhaseError("invalid_document", `'${name}' declares a DTD or entities, which Office files never do`);
  }
  return xml;
}

/** An XML part as text, DTD-checked; null when absent. */
export function xmlPart(zip: ZipArchive, name: string): string | null {
  const text = zip.text(name);
  return text === null ? null : checkedXml(text, name);
}

/**
 * The Office kind of a ZIP archive from its `[Content_Types].xml`, or null for another archive (or a
 * ZIP that cannot be read: the caller then reports it as unsupported rather than as a broken Office file).
 */
export function officeKind(bytes: Uint8Array): OfficeKind | null {
  if (!isZip(bytes)) return null;
  try {
    const types = xmlPart(new ZipArchive(bytes), "[Content_Types].xml");
    return types ? (MAIN_PART.find(([pattern]) => pattern.test(types))?.[1] ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * Every XML part of the archive inflated once within the limits and checked for DTDs, before a
 * library that inflates and parses on its own (mammoth, SheetJS) sees the bytes.
 */
export function guardArchive(zip: ZipArchive): void {
  for (const name of zip.names()) {
    if (/\.(xml|rels)$/i.test(name)) xmlPart(zip, name);
    else zip.read(name);
  }
}

const utf16 = (text: string) => new Uint8Array(Array.from(text).flatMap((c) => [c.charCodeAt(0), 0]));
const contains = (bytes: Uint8Array, needle: Uint8Array) => {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};
const ENCRYPTED_PACKAGE = utf16("EncryptedPackage");
const MSG_PROPERTY = utf16("__substg1.0_");

export const isCompoundFile = (bytes: Uint8Array) => [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((b, i) => bytes[i] === b);

/**
 * What an OLE compound file holds: a password-protected OOXML file (Office wraps those in one, with an
 * `EncryptedPackage` stream), an Outlook message (`__substg1.0_` property streams), or a legacy binary format.
 */
export function compoundKind(bytes: Uint8Array): "encrypted" | "msg" | "legacy" {
  if (contains(bytes, ENCRYPTED_PACKAGE)) return "encrypted";
  return contains(bytes, MSG_PROPERTY) ? "msg" : "legacy";
}
