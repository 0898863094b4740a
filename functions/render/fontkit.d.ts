/**
 * fontkit is pdfkit's font engine (installed with it, no types of its own). We parse each font file
 * once per process with it and hand the parsed font to pdfkit, which accepts one wherever it takes
 * a font (see `PDFFontFactory.open`); only what we use is declared.
 */
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    readonly unitsPerEm: number;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
