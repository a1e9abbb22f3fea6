// Types of ./pdfjs.mjs, a link to unpdf's pdf.js build that the Worker uploads as a module of its own.
export * from "unpdf/pdfjs";
