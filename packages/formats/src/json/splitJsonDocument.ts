/**
 * The records of a multi-line JSON document, as text: the elements of a top-level array, or the
 * document itself. Only string and nesting boundaries are tracked here; each record is parsed
 * later, so a broken element is one corrupt record rather than a lost file. `lines` holds the
 * 1-based line where each record starts.
 */
export function splitJsonDocument(text: string): { records: string[]; lines: number[] } {
  let start = skipSpace(text, 0);
  if (start >= text.length) return { records: [], lines: [] };
  if (text[start] !== '[') return { records: [text.slice(start).trimEnd()], lines: [lineAt(text, start, 0, 1)] };
  const records: string[] = [];
  const lines: number[] = [];
  let line = 1;
  let counted = 0;
  let depth = 0;
  let inString = false;
  let elementStart = -1;
  for (let k = start + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (inString) {
      if (c === 92 /* \ */) k++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (elementStart < 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 44 /* , */ && !(c === 93 && depth === 0)) {
      elementStart = k;
      line = lineAt(text, k, counted, line);
      counted = k;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || (c === 93 && depth > 0)) depth--;
    else if ((c === 44 || c === 93) && depth === 0) {
      if (elementStart >= 0) {
        records.push(text.slice(elementStart, k).trimEnd());
        lines.push(line);
        elementStart = -1;
      }
      if (c === 93) {
        start = k + 1;
        break;
      }
    }
  }
  // An unterminated array: what is left is one (corrupt) record.
  if (elementStart >= 0) {
    records.push(text.slice(elementStart).trimEnd());
    lines.push(line);
  }
  return { records, lines };
}

function skipSpace(text: string, k: number): number {
  while (k < text.length && /\s/.test(text[k]!)) k++;
  return k;
}

function lineAt(text: string, position: number, from: number, line: number): number {
  for (let k = from; k < position; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}
