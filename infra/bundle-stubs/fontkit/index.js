/**
 * What the bundles carry instead of the `fontkit` package (esbuild alias, infra/constructs/function.ts).
 * Our PDFs hand pdfkit fonts already parsed by functions/render/truetype.ts, so pdfkit never calls
 * fontkit; this throws if it ever does (a font given as a path or bytes instead of a parsed font).
 */
export function create() {
  throw new Error(
    'fontkit is not in the Lambda bundles: pass pdfkit a font parsed by functions/render/truetype.ts, not a path or bytes',
  );
}
