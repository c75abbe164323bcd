// The part of exifr's API src/images.js uses. exifr's own index.d.ts pulls in
// Node's globals (/// <reference types="node" />), which would retype the
// extension's timers; the checkJs build reads this instead (jsconfig paths).
declare const exifr: { parse(input: ArrayBuffer | Uint8Array | Blob, options?: Record<string, unknown>): Promise<any> };
export default exifr;
