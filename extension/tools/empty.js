// Stands in for regenerator-runtime in the bundles: the browsers Discreet
// supports run async functions natively, and the runtime's fallback calls
// the Function constructor (refused by the extension's CSP, flagged by web-ext lint).
export {};
