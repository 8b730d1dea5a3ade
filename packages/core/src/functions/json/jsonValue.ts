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

/**
 * The document, or null when the text is not one JSON value. As Spark's shared Jackson factory for
 * these functions, single-quoted strings and unescaped control characters are accepted (Hive's
 * rules, SPARK-11311); `allowUnquotedFieldNames` is the JSON option of that name (schema_of_json).
 */
export function parseJsonDocument(text: string, options: { readonly allowUnquotedFieldNames?: boolean } = {}): JsonNode | null {
  let k = 0;
  const space = () => {
    while (k < text.length && (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t')) k++;
  };
  const fail = (): never => {
    throw new SyntaxError('bad json');
  };
  const string = (): string => {
    const quote = text[k];
    k++;
    let out = '';
    for (;;) {
      if (k >= text.length) fail();
      const c = text[k]!;
      if (c === quote) {
        k++;
        return out;
      }
      if (c === '\\') {
        const e = text[k + 1];
        const map: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const hex = text.slice(k + 2, k + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          k += 6;
        } else if (e !== undefined && map[e] !== undefined) {
          out += map[e];
          k += 2;
        } else fail();
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
        let key: string;
        if (text[k] === '"' || text[k] === "'") key = string();
        else if (options.allowUnquotedFieldNames === true && /[A-Za-z_$]/.test(text[k] ?? '')) {
          const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(k))![0];
          k += name.length;
          key = name;
        } else return fail();
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
    if (c === '"' || c === "'") return { kind: 'string', value: string() };
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

/**
 * Compact JSON text laid out as Jackson's default pretty printer lays it out (to_json's `pretty`
 * option): `"key" : value`, one object field a line indented two spaces for each enclosing
 * object, arrays inline (`[ 1, 2 ]`, `[ {`), empty ones `[ ]` and `{ }`. Works on the text, so
 * numbers keep their digits.
 */
export function prettyJsonText(compact: string): string {
  let out = '';
  const open: string[] = [];
  let objects = 0;
  const indent = (): string => '  '.repeat(objects);
  for (let k = 0; k < compact.length; k++) {
    const c = compact[k]!;
    if (c === '"') {
      let end = k + 1;
      while (compact[end] !== '"') end += compact[end] === '\\' ? 2 : 1;
      out += compact.slice(k, end + 1);
      k = end;
    } else if ((c === '{' && compact[k + 1] === '}') || (c === '[' && compact[k + 1] === ']')) {
      out += `${c} ${compact[k + 1]}`;
      k++;
    } else if (c === '{') {
      open.push(c);
      objects++;
      out += `{\n${indent()}`;
    } else if (c === '[') {
      open.push(c);
      out += '[ ';
    } else if (c === '}') {
      open.pop();
      objects--;
      out += `\n${indent()}}`;
    } else if (c === ']') {
      open.pop();
      out += ' ]';
    } else if (c === ',') out += open.at(-1) === '{' ? `,\n${indent()}` : ', ';
    else if (c === ':') out += ' : ';
    else out += c;
  }
  return out;
}
