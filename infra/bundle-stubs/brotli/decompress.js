/**
 * What the bundles carry instead of the `brotli` package (esbuild alias, infra/constructs/function.ts).
 * fontkit imports its 475 KB decoder only to read WOFF2 fonts; the templates' fonts are TrueType.
 */
export default function decompress() {
  throw new Error(
    'WOFF2 fonts are not supported by the Lambda bundles: use a TrueType (.ttf) or OpenType (.otf) file',
  );
}
