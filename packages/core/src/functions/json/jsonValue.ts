/**
 * A JSON document as parsed for get_json_object and json_tuple: key order and number text are
 * kept exactly (so `8.95` prints as `8.95` and 2^63 stays exact), as Jackson's copy does.
 */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'literal'; readonly raw: 'true' | 'false' | 'null' };

/** The document, or null when the text is not one JSON value. */
export function parseJsonDocument(text: string): JsonNode | null {
  let k = 0;
  const space = () => {
    while (k < text.length && (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t')) k++;
  };
  const fail = (): never => {
    throw new SyntaxError('bad json');
  };
  const string = (): string => {
    k++;
    let out = '';
    for (;;) {
      if (k >= text.length) fail();
      const c = text[k]!;
      if (c === '"') {
        k++;
        return out;
      }
      if (c === '\\') {
        const e = text[k + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const hex = text.slice(k + 2, k + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          k += 6;
        } else if (e !== undefined && map[e] !== undefined) {
          out += map[e];
          k += 2;
        } else fail();
      } else if (c.charCodeAt(0) < 0x20 && c !== '\n' && c !== '\t' && c !== '\r') {
        fail();
      } else {
        out += c;
        k++;
      }
    }
  };
  const value = (): JsonNode => {
    space();
    const c = text[k];
    if (c === '{') {
      k++;
      const entries: [string, JsonNode][] = [];
      space();
      if (text[k] === '}') {
        k++;
        return { kind: 'object', entries };
      }
      for (;;) {
        space();
        if (text[k] !== '"') fail();
        const key = string();
        space();
        if (text[k] !== ':') fail();
        k++;
        entries.push([key, value()]);
        space();
        if (text[k] === ',') k++;
        else if (text[k] === '}') {
          k++;
          return { kind: 'object', entries };
        } else fail();
      }
    }
    if (c === '[') {
      k++;
      const items: JsonNode[] = [];
      space();
      if (text[k] === ']') {
        k++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value());
        space();
        if (text[k] === ',') k++;
        else if (text[k] === ']') {
          k++;
          return { kind: 'array', items };
        } else fail();
      }
    }
    if (c === '"') return { kind: 'string', value: string() };
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(k));
    if (number) {
      k += number[0].length;
      return { kind: 'number', raw: number[0] };
    }
    for (const raw of ['true', 'false', 'null'] as const) {
      if (text.startsWith(raw, k)) {
        k += raw.length;
        return { kind: 'literal', raw };
      }
    }
    return fail();
  };
  try {
    const node = value();
    space();
    return k === text.length ? node : null;
  } catch {
    return null;
  }
}

/** Compact JSON text of a node. */
export function jsonText(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map(jsonText).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    default:
      return node.raw;
  }
}
