/**
 * What the bundles carry instead of the `linebreak` package (esbuild alias, infra/constructs/function.ts).
 * pdfkit breaks lines with it only for text given a `width` (its own wrapping); our PDF layout
 * places every line itself (`lineBreak: false`), so it is never called, and loading it (a Unicode
 * line-break table inflated at import) would only slow the first PDF of a process.
 */
export default class LineBreaker {
  constructor() {
    throw new Error(
      "pdfkit's own line wrapping is not in the Lambda bundles: lay text out with functions/render/pdf.ts (lineBreak: false)",
    );
  }
}
