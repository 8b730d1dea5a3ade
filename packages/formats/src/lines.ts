/**
 * Bytes → text → lines, shared by the line-based formats (json, csv, text).
 */
const decoder = new TextDecoder('utf-8');

/** UTF-8 text of a file, without a byte-order mark. */
export function decodeText(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** UTF-8 bytes of text. */
export function encodeText(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/**
 * Lines of `text`. Without `lineSep`, any of \n, \r\n and \r ends a line (Spark's default);
 * a final separator does not start an empty last line.
 */
export function splitLines(text: string, lineSep?: string): string[] {
  if (text === '') return [];
  const lines = lineSep === undefined ? text.split(/\r\n|\n|\r/) : text.split(lineSep);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
