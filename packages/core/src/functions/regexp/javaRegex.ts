import { SluiceError } from '../../errors.ts';

/**
 * Java regular expressions (Spark's dialect) as JS RegExps. The common syntax is shared; this
 * translates what differs: leading inline flags `(?i)`, `(?s)`, `(?m)`, quoted runs `\Q…\E`,
 * `\A`, `\z`/`\Z`, POSIX classes `\p{Alpha}`… Constructs JS cannot express (atomic groups,
 * possessive quantifiers, flags in mid-pattern) fail with a coded error naming them.
 */
const cache = new Map<string, RegExp>();

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\x00-\\x7F', Alpha: 'a-zA-Z', Digit: '0-9', Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~', Graph: '!-~', Print: ' -~', Blank: ' \\t', Cntrl: '\\x00-\\x1F\\x7F', XDigit: '0-9a-fA-F', Space: ' \\t\\n\\x0B\\f\\r',
};

/** A JS RegExp for Java `pattern`, with `extraFlags` (e.g. 'g'); cached. */
export function javaRegex(pattern: string, extraFlags = ''): RegExp {
  const key = `${extraFlags}/${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    const { source, flags } = translate(pattern);
    try {
      regex = new RegExp(source, flags + extraFlags);
    } catch (error) {
      throw new SluiceError('INVALID_QUERY', `Invalid regular expression '${pattern}': ${(error as Error).message}.`, { details: { pattern } });
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, regex);
  }
  regex.lastIndex = 0;
  return regex;
}

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let rest = pattern;
  for (;;) {
    const inline = /^\(\?([imsux]+)\)/.exec(rest);
    if (!inline) break;
    for (const f of inline[1]!) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      if (f === 's' && !flags.includes('s')) flags += 's';
      if (f === 'm' && !flags.includes('m')) flags += 'm';
      if (f === 'x') rest = rest.replace(/\s+|#.*$/gm, '');
    }
    rest = rest.slice(inline[0].length);
  }
  let out = '';
  let unicode = false;
  for (let k = 0; k < rest.length; k++) {
    const c = rest[k]!;
    if (c === '\\') {
      const next = rest[k + 1];
      if (next === 'Q') {
        const end = rest.indexOf('\\E', k + 2);
        const literal = rest.slice(k + 2, end < 0 ? rest.length : end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        k = end < 0 ? rest.length : end + 1;
        continue;
      }
      if (next === 'A') { out += '^'; k++; continue; }
      if (next === 'z' || next === 'Z') { out += '$'; k++; continue; }
      if ((next === 'p' || next === 'P') && rest[k + 2] === '{') {
        const end = rest.indexOf('}', k + 3);
        const name = rest.slice(k + 3, end).replace(/^Is/, '');
        const posix = POSIX[name];
        if (posix) out += next === 'p' ? `[${posix}]` : `[^${posix}]`;
        else {
          out += `\\${next}{${name}}`;
          unicode = true;
        }
        k = end;
        continue;
      }
      out += c + (next ?? '');
      k++;
      continue;
    }
    if (c === '(' && rest.startsWith('(?>', k)) unsupported(pattern, 'atomic groups (?>…)');
    if (c === '(' && /^\(\?[imsux-]+[):]/.test(rest.slice(k)) && !rest.startsWith('(?:', k)) unsupported(pattern, 'inline flags inside the pattern');
    if ((c === '+' || c === '?' || c === '*' || c === '}') && rest[k + 1] === '+' && rest[k - 1] !== '\\') unsupported(pattern, 'possessive quantifiers (x*+)');
    out += c;
  }
  return { source: out, flags: flags + (unicode ? 'u' : '') };
}

function unsupported(pattern: string, what: string): never {
  throw new SluiceError('INVALID_QUERY', `The regular expression '${pattern}' uses ${what}, which Sluice (JavaScript regular expressions) cannot run. Rewrite it without them.`);
}

/**
 * A Java replacement string (`$1`, `${name}`, `\$` for a literal dollar) as a JS replacer: JS
 * reads `$` sequences differently, so the replacement is assembled by hand.
 */
export function javaReplacement(replacement: string, groupCount: number): (match: string, ...rest: unknown[]) => string {
  const parts: (string | number | { readonly name: string })[] = [];
  let text = '';
  for (let k = 0; k < replacement.length; k++) {
    const c = replacement[k]!;
    if (c === '\\' && k + 1 < replacement.length) {
      text += replacement[++k];
    } else if (c === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(replacement.slice(k + 1));
      if (named) {
        parts.push(text, { name: named[1]! });
        text = '';
        k += named[0].length;
        continue;
      }
      // Java takes as many digits as still name a group (the first digit always counts).
      let digits = replacement[k + 1] ?? '';
      if (!/\d/.test(digits)) throw new SluiceError('INVALID_QUERY', `Illegal group reference in replacement '${replacement}': '$' must be followed by a group number or {name} (write \\$ for a dollar).`);
      let j = k + 2;
      while (j < replacement.length && /\d/.test(replacement[j]!) && Number(digits + replacement[j]) <= groupCount) digits += replacement[j++];
      if (Number(digits) > groupCount) throw new SluiceError('INVALID_QUERY', `Replacement '${replacement}' refers to group ${digits}, but the pattern has ${groupCount}.`);
      parts.push(text, Number(digits));
      text = '';
      k = j - 1;
    } else text += c;
  }
  parts.push(text);
  return (match, ...rest) => {
    const groups = rest.slice(0, groupCount) as (string | undefined)[];
    const named = typeof rest[rest.length - 1] === 'object' ? (rest[rest.length - 1] as Record<string, string | undefined>) : {};
    let out = '';
    for (const p of parts) {
      if (typeof p === 'number') out += p === 0 ? match : (groups[p - 1] ?? '');
      else if (typeof p === 'object') out += named[p.name] ?? '';
      else out += p;
    }
    return out;
  };
}

/** Number of capturing groups of a compiled pattern. */
export function groupCount(regex: RegExp): number {
  return new RegExp(`${regex.source}|`, regex.flags.replace('g', '')).exec('')!.length - 1;
}
