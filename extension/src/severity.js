// The words shown for each severity, on the warning card and in the popup.
/** @type {Record<string, string>} */
export const SEVERITY_LABEL = { block: 'Do not post', warn: 'Take a second look', info: 'Note' };
