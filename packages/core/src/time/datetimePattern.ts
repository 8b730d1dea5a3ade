import { civilFromDays, dayOfYear, daysFromCivil, daysInMonth, isoDayOfWeek, MS_PER_DAY } from './civil.ts';
import { fixedOffsetOf, zoneRules, type ZoneRules } from './timeZone.ts';

/**
 * Spark's datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`, java.time letters, Spark 3 rules),
 * compiled once into a formatter and a parser. Letters Spark 3 refuses (week-based Y w W u e c,
 * and A n N p) make the pattern invalid; functions turn that into null as Spark does.
 */
export class PatternError extends Error {}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Month and day names of a locale, for the text letters (MMM, MMMM, E, EEEE). */
interface Names {
  readonly monthsShort: readonly string[];
  readonly monthsLong: readonly string[];
  readonly daysShort: readonly string[];
  readonly daysLong: readonly string[];
}

const ENGLISH: Names = { monthsShort: MONTHS.map((m) => m.slice(0, 3)), monthsLong: MONTHS, daysShort: DAYS.map((d) => d.slice(0, 3)), daysLong: DAYS };
const namesByLocale = new Map<string, Names>();

/**
 * The names `locale` (a BCP 47 tag, Spark's `locale` option: 'en-US', 'ko-KR', 'ru-RU') gives
 * months and days in a date (the format context, as java.time's text style), from the
 * platform's CLDR data. English is built in.
 */
function namesOf(locale: string | undefined): Names {
  if (locale === undefined || /^en(-|$)/i.test(locale)) return ENGLISH;
  let names = namesByLocale.get(locale);
  if (!names) {
    const part = (options: Intl.DateTimeFormatOptions, type: 'month' | 'weekday', date: Date): string =>
      new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).formatToParts(date).find((p) => p.type === type)?.value ?? '';
    // The month as a date shows it; where that is a bare number (zh: "11" + "月"), the standalone name ("11月").
    const month = (style: 'short' | 'long') =>
      Array.from({ length: 12 }, (_, m) => {
        const date = new Date(Date.UTC(2001, m, 15));
        const inDate = part({ day: 'numeric', month: style }, 'month', date);
        return /^\d+$/.test(inDate) ? new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' }).format(date) : inDate;
      });
    // 2001-01-01 was a Monday.
    const day = (style: 'short' | 'long') => Array.from({ length: 7 }, (_, d) => part({ weekday: style }, 'weekday', new Date(Date.UTC(2001, 0, 1 + d))));
    names = { monthsShort: month('short'), monthsLong: month('long'), daysShort: day('short'), daysLong: day('long') };
    namesByLocale.set(locale, names);
  }
  return names;
}
const QUARTER_NAMES = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];
const UNSUPPORTED = new Set(['Y', 'w', 'W', 'u', 'e', 'c', 'A', 'n', 'N', 'p']);
const KNOWN = new Set(['G', 'y', 'D', 'M', 'L', 'd', 'Q', 'q', 'E', 'F', 'a', 'h', 'K', 'k', 'H', 'm', 's', 'S', 'V', 'z', 'O', 'X', 'x', 'Z']);

type Element =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'optional'; readonly elements: readonly Element[] };

/** The local date-time a formatter prints, in `zone` (fields reused between rows). */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  /** Offset from UTC in ms at this instant, and the zone, for zone letters. */
  offset: number;
  zone: ZoneRules;
  utcMs: number;
  days: number;
}

/** A compiled pattern. */
export interface DatetimePattern {
  readonly text: string;
  /**
   * The length of the finest field the pattern prints, in ms of local time (1 for fractions, 1000
   * for seconds … a day, a month as 1 day, conservatively): two instants with the same local time
   * divided by it (and the same offset) print the same text.
   */
  readonly finestUnitMs: number;
  format(fields: LocalFields): string;
  /** The instant (epoch ms) the text denotes, read in `zone` unless it names its own; null when it does not match. */
  parse(text: string, zone: ZoneRules): number | null;
}

const cache = new Map<string, DatetimePattern>();

/**
 * Compile `pattern` (cached); throws a PatternError for an invalid or unsupported pattern.
 * `locale` (Spark's `locale` option, default en-US) names the months and days of MMM/MMMM/E/EEEE.
 */
export function compilePattern(pattern: string, locale?: string): DatetimePattern {
  const key = locale === undefined ? pattern : `${locale}\u0000${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    const elements = tokenize(pattern);
    const names = namesOf(locale);
    compiled = { text: pattern, finestUnitMs: finestUnit(elements), format: formatter(elements, names), parse: parser(elements, names) };
    if (cache.size > 500) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

function tokenize(pattern: string): Element[] {
  const stack: Element[][] = [[]];
  const top = () => stack[stack.length - 1]!;
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === "'") {
      if (pattern[k + 1] === "'") {
        top().push({ kind: 'literal', text: "'" });
        k++;
        continue;
      }
      let text = '';
      k++;
      for (;;) {
        if (k >= pattern.length) throw new PatternError(`unclosed quote in '${pattern}'`);
        if (pattern[k] === "'") {
          if (pattern[k + 1] === "'") {
            text += "'";
            k += 2;
            continue;
          }
          break;
        }
        text += pattern[k++];
      }
      top().push({ kind: 'literal', text });
    } else if (c === '[') stack.push([]);
    else if (c === ']') {
      if (stack.length === 1) throw new PatternError(`unbalanced ']' in '${pattern}'`);
      const elements = stack.pop()!;
      top().push({ kind: 'optional', elements });
    } else if (/[A-Za-z]/.test(c)) {
      let count = 1;
      while (pattern[k + 1] === c) {
        count++;
        k++;
      }
      if (UNSUPPORTED.has(c)) throw new PatternError(`pattern letter '${c}' is not supported by Spark 3 (week-based and nano fields); use e.g. 'y', 'D', 'E'`);
      if (!KNOWN.has(c)) throw new PatternError(`unknown pattern letter '${c}'`);
      checkCount(c, count);
      top().push({ kind: 'field', letter: c, count });
    } else top().push({ kind: 'literal', text: c });
  }
  if (stack.length !== 1) throw new PatternError(`unclosed '[' in '${pattern}'`);
  return stack[0]!;
}

function finestUnit(elements: readonly Element[]): number {
  let unit = 86_400_000;
  const visit = (list: readonly Element[]): void => {
    for (const e of list) {
      if (e.kind === 'optional') visit(e.elements);
      else if (e.kind === 'field') {
        const ms = e.letter === 'S' ? 1 : e.letter === 's' ? 1000 : e.letter === 'm' ? 60_000 : 'HhKka'.includes(e.letter) ? 3_600_000 : 'VzOXxZ'.includes(e.letter) ? 1 : 86_400_000;
        unit = Math.min(unit, ms);
      }
    }
  };
  visit(elements);
  return unit;
}

function checkCount(letter: string, count: number): void {
  const max: Record<string, number> = { G: 5, y: 10, D: 3, M: 5, L: 5, d: 2, Q: 4, q: 4, E: 4, F: 1, a: 1, h: 2, K: 2, k: 2, H: 2, m: 2, s: 2, S: 9, V: 2, z: 4, O: 4, X: 5, x: 5, Z: 5 };
  if (count > (max[letter] ?? 1) || (letter === 'V' && count !== 2) || (letter === 'O' && count !== 1 && count !== 4)) {
    throw new PatternError(`too many pattern letters: '${letter.repeat(count)}'`);
  }
  if ((letter === 'M' || letter === 'L' || letter === 'G' || letter === 'E') && count === 5) throw new PatternError(`the narrow form '${letter.repeat(5)}' is not supported`);
}

const pad = (n: number, width: number): string => {
  const text = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (text.length >= width ? text : '0'.repeat(width - text.length) + text);
};

function offsetText(offset: number, withColon: boolean, seconds: boolean, hoursOnly: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const total = Math.abs(Math.round(offset / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  let out = `${sign}${pad(h, 2)}`;
  if (hoursOnly && m === 0 && s === 0) return out;
  out += (withColon ? ':' : '') + pad(m, 2);
  if (seconds && s !== 0) out += (withColon ? ':' : '') + pad(s, 2);
  return out;
}

const zoneNames = new Map<string, Intl.DateTimeFormat>();
function zoneName(fields: LocalFields, long: boolean): string {
  if (fields.zone.fixed !== null) {
    if (fields.zone.fixed === 0 && /^(utc|z|gmt|ut)$/i.test(fields.zone.id)) return 'UTC';
    return offsetText(fields.zone.fixed, true, true, false);
  }
  const key = `${fields.zone.id}/${long}`;
  let format = zoneNames.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: fields.zone.id, timeZoneName: long ? 'long' : 'short' });
    zoneNames.set(key, format);
  }
  return format.formatToParts(new Date(fields.utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? fields.zone.id;
}

function formatField(letter: string, count: number, names: Names): (f: LocalFields) => string {
  switch (letter) {
    case 'G':
      return (f) => (count === 4 ? (f.year > 0 ? 'Anno Domini' : 'Before Christ') : f.year > 0 ? 'AD' : 'BC');
    case 'y':
      if (count === 2) return (f) => pad(((f.year % 100) + 100) % 100, 2);
      return (f) => {
        const text = pad(f.year, count);
        return count >= 4 && f.year > 9999 ? `+${text}` : text;
      };
    case 'M':
    case 'L':
      if (count === 3) return (f) => names.monthsShort[f.month - 1]!;
      if (count === 4) return (f) => names.monthsLong[f.month - 1]!;
      return (f) => pad(f.month, count);
    case 'd':
      return (f) => pad(f.day, count);
    case 'D':
      return (f) => pad(dayOfYear(f.year, f.month, f.day), count);
    case 'Q':
    case 'q':
      if (count === 3) return (f) => `Q${Math.floor((f.month - 1) / 3) + 1}`;
      if (count === 4) return (f) => QUARTER_NAMES[Math.floor((f.month - 1) / 3)]!;
      return (f) => pad(Math.floor((f.month - 1) / 3) + 1, count);
    case 'E':
      return count === 4 ? (f) => names.daysLong[isoDayOfWeek(f.days) - 1]! : (f) => names.daysShort[isoDayOfWeek(f.days) - 1]!;
    case 'F':
      return (f) => String(((f.day - 1) % 7) + 1);
    case 'a':
      return (f) => (f.hour < 12 ? 'AM' : 'PM');
    case 'h':
      return (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
    case 'K':
      return (f) => pad(f.hour % 12, count);
    case 'k':
      return (f) => pad(f.hour === 0 ? 24 : f.hour, count);
    case 'H':
      return (f) => pad(f.hour, count);
    case 'm':
      return (f) => pad(f.minute, count);
    case 's':
      return (f) => pad(f.second, count);
    case 'S':
      return (f) => (pad(f.millis, 3) + '000000').slice(0, count);
    case 'V':
      return (f) => (f.zone.fixed !== null && /^(utc|z|gmt|ut)$/i.test(f.zone.id) ? 'UTC' : f.zone.id);
    case 'z':
      return (f) => zoneName(f, count === 4);
    case 'O':
      return (f) => {
        if (f.offset === 0) return 'GMT';
        if (count === 4) return `GMT${offsetText(f.offset, true, true, false)}`;
        const total = Math.abs(Math.round(f.offset / 60000));
        return `GMT${f.offset < 0 ? '-' : '+'}${Math.floor(total / 60)}${total % 60 ? `:${pad(total % 60, 2)}` : ''}`;
      };
    case 'X':
    case 'x':
      return (f) => {
        if (letter === 'X' && f.offset === 0) return 'Z';
        return offsetText(f.offset, count === 3 || count === 5, count >= 4, count === 1);
      };
    case 'Z':
      return (f) => {
        if (count === 4) return f.offset === 0 ? 'GMT' : `GMT${offsetText(f.offset, true, true, false)}`;
        if (count === 5) return f.offset === 0 ? 'Z' : offsetText(f.offset, true, true, false);
        return offsetText(f.offset, false, false, false);
      };
  }
  throw new PatternError(`unknown pattern letter '${letter}'`);
}

function formatter(elements: readonly Element[], names: Names): (fields: LocalFields) => string {
  const parts = elements.map((e): ((f: LocalFields) => string) => {
    if (e.kind === 'literal') return () => e.text;
    if (e.kind === 'optional') return formatter(e.elements, names);
    return formatField(e.letter, e.count, names);
  });
  return (fields) => {
    let out = '';
    for (const part of parts) out += part(fields);
    return out;
  };
}

/** Fill `fields` with the local date-time of `utcMs` in `zone`. */
export function localFields(utcMs: number, zone: ZoneRules, fields: LocalFields): LocalFields {
  const offset = zone.fixed ?? zone.offsetAt(utcMs);
  const local = utcMs + offset;
  const days = Math.floor(local / MS_PER_DAY);
  let rest = local - days * MS_PER_DAY;
  civilFromDays(days, fields);
  fields.hour = Math.floor(rest / 3_600_000);
  rest -= fields.hour * 3_600_000;
  fields.minute = Math.floor(rest / 60_000);
  rest -= fields.minute * 60_000;
  fields.second = Math.floor(rest / 1000);
  fields.millis = rest - fields.second * 1000;
  fields.offset = offset;
  fields.zone = zone;
  fields.utcMs = utcMs;
  fields.days = days;
  return fields;
}

export function emptyFields(zone: ZoneRules): LocalFields {
  return { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0, offset: 0, zone, utcMs: 0, days: 0 };
}

interface Parsed {
  year?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  dayOfWeek?: number;
  hour24?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  millis?: number;
  offset?: number;
  zone?: ZoneRules;
  bc?: boolean;
}

const isNumeric = (e: Element | undefined): boolean => e?.kind === 'field' && /[yDMLdQqFhKkHmsS]/.test(e.letter) && !((e.letter === 'M' || e.letter === 'L' || e.letter === 'Q' || e.letter === 'q') && e.count >= 3);

function parser(elements: readonly Element[], names: Names): (text: string, zone: ZoneRules) => number | null {
  return (text, zone) => {
    const parsed: Parsed = {};
    const end = parseElements(elements, text, 0, parsed, names);
    if (end !== text.length) return null;
    return resolve(parsed, zone);
  };
}

/** Parse `elements` from `at`; the position after them, or -1. */
function parseElements(elements: readonly Element[], text: string, at: number, parsed: Parsed, names: Names): number {
  let position = at;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.kind === 'literal') {
      if (text.slice(position, position + e.text.length).toLowerCase() !== e.text.toLowerCase()) return -1;
      position += e.text.length;
    } else if (e.kind === 'optional') {
      const attempt: Parsed = { ...parsed };
      const next = parseElements(e.elements, text, position, attempt, names);
      if (next >= 0) {
        Object.assign(parsed, attempt);
        position = next;
      }
    } else {
      // A number followed directly by another number has a fixed width (java.time's adjacent parsing).
      const fixed = isNumeric(e) && isNumeric(elements[i + 1]);
      position = parseField(e.letter, e.count, text, position, parsed, fixed, names);
      if (position < 0) return -1;
    }
  }
  return position;
}

function digits(text: string, at: number, min: number, max: number): { value: number; end: number } | null {
  let end = at;
  while (end < text.length && end - at < max && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  if (end - at < min) return null;
  return { value: Number(text.slice(at, end)), end };
}

function matchName(text: string, at: number, names: readonly string[]): { index: number; end: number } | null {
  const rest = text.slice(at).toLowerCase();
  let best: { index: number; end: number } | null = null;
  names.forEach((name, index) => {
    if (rest.startsWith(name.toLowerCase()) && (!best || name.length > best.end - at)) best = { index, end: at + name.length };
  });
  return best;
}

function parseField(letter: string, count: number, text: string, at: number, parsed: Parsed, fixed: boolean, names: Names): number {
  const number = (min: number, max: number) => digits(text, at, fixed ? count : min, fixed ? count : max);
  const two = () => number(count, 2);
  switch (letter) {
    case 'G': {
      const m = matchName(text, at, count === 4 ? ['Anno Domini', 'Before Christ'] : ['AD', 'BC']);
      if (!m) return -1;
      parsed.bc = m.index === 1;
      return m.end;
    }
    case 'y': {
      const negative = text[at] === '-' && count !== 2;
      const start = negative || text[at] === '+' ? at + 1 : at;
      const d = count === 2 ? digits(text, start, 2, 2) : digits(text, start, fixed ? count : count, fixed ? count : 10);
      if (!d) return -1;
      parsed.year = count === 2 ? 2000 + d.value : negative ? -d.value : d.value;
      return d.end;
    }
    case 'M':
    case 'L': {
      if (count >= 3) {
        const m = matchName(text, at, count === 3 ? names.monthsShort : names.monthsLong);
        if (!m) return -1;
        parsed.month = m.index + 1;
        return m.end;
      }
      const d = two();
      if (!d) return -1;
      parsed.month = d.value;
      return d.end;
    }
    case 'd':
    case 'H':
    case 'k':
    case 'h':
    case 'K':
    case 'm':
    case 's': {
      const d = two();
      if (!d) return -1;
      if (letter === 'd') parsed.day = d.value;
      else if (letter === 'H') parsed.hour24 = d.value;
      else if (letter === 'k') parsed.hour24 = d.value === 24 ? 0 : d.value > 24 ? 99 : d.value;
      else if (letter === 'h') parsed.hour12 = d.value === 12 ? 0 : d.value > 12 || d.value === 0 ? 99 : d.value;
      else if (letter === 'K') parsed.hour12 = d.value > 11 ? 99 : d.value;
      else if (letter === 'm') parsed.minute = d.value;
      else parsed.second = d.value;
      return d.end;
    }
    case 'D': {
      const d = number(count, 3);
      if (!d) return -1;
      parsed.dayOfYear = d.value;
      return d.end;
    }
    case 'Q':
    case 'q': {
      if (count === 3) return text[at]?.toUpperCase() === 'Q' && /[1-4]/.test(text[at + 1] ?? '') ? at + 2 : -1;
      if (count === 4) {
        const m = matchName(text, at, QUARTER_NAMES);
        return m ? m.end : -1;
      }
      const d = number(count, 2);
      return d ? d.end : -1;
    }
    case 'E': {
      const m = matchName(text, at, count === 4 ? names.daysLong : names.daysShort);
      if (!m) return -1;
      parsed.dayOfWeek = m.index + 1;
      return m.end;
    }
    case 'F': {
      const d = number(1, 1);
      return d ? d.end : -1;
    }
    case 'a': {
      const m = matchName(text, at, ['AM', 'PM']);
      if (!m) return -1;
      parsed.pm = m.index === 1;
      return m.end;
    }
    case 'S': {
      // Spark reads 1 to `count` fraction digits (only milliseconds are kept).
      const d = digits(text, at, fixed ? count : 1, count);
      if (!d) return -1;
      const fraction = text.slice(at, d.end);
      parsed.millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
      return d.end;
    }
    case 'V': {
      const m = /^[A-Za-z][A-Za-z0-9_+\-/]*|^[+-]\d{2}(:?\d{2})?|^Z/.exec(text.slice(at));
      if (!m) return -1;
      const rules = zoneRules(m[0]);
      if (!rules) return -1;
      parsed.zone = rules;
      return at + m[0].length;
    }
    case 'z': {
      const m = /^[A-Za-z][A-Za-z0-9_+\-/]*/.exec(text.slice(at));
      if (!m) return -1;
      const rules = zoneRules(m[0]);
      if (!rules) return -1;
      parsed.zone = rules;
      return at + m[0].length;
    }
    case 'O': {
      const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?/i.exec(text.slice(at));
      if (!m) return -1;
      parsed.offset = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000 : 0;
      return at + m[0].length;
    }
    case 'X':
    case 'x':
    case 'Z': {
      const rest = text.slice(at);
      if ((letter === 'X' || (letter === 'Z' && count === 5)) && rest[0] === 'Z') {
        parsed.offset = 0;
        return at + 1;
      }
      if (letter === 'Z' && count === 4) {
        const m = /^GMT(?:[+-]\d{2}:\d{2}(?::\d{2})?)?/.exec(rest);
        if (!m) return -1;
        parsed.offset = m[0] === 'GMT' ? 0 : fixedOffsetOf(m[0].slice(3))!;
        return at + m[0].length;
      }
      const m = /^[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?/.exec(rest);
      if (!m) return -1;
      const offset = fixedOffsetOf(m[0]);
      if (offset === undefined) return -1;
      parsed.offset = offset;
      return at + m[0].length;
    }
  }
  return -1;
}

function resolve(p: Parsed, zone: ZoneRules): number | null {
  let year = p.year ?? 1970;
  if (p.bc) year = 1 - year;
  let month = p.month ?? 1;
  let day = p.day ?? 1;
  if (p.dayOfYear !== undefined) {
    const length = daysInMonth(year, 2) === 29 ? 366 : 365;
    if (p.dayOfYear < 1 || p.dayOfYear > length) return null;
    const c = civilFromDays(daysFromCivil(year, 1, 1) + p.dayOfYear - 1);
    if ((p.month !== undefined && p.month !== c.month) || (p.day !== undefined && p.day !== c.day)) return null;
    month = c.month;
    day = c.day;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  let hour = 0;
  if (p.hour12 !== undefined) {
    if (p.hour12 > 11) return null;
    hour = p.hour12 + (p.pm ? 12 : 0);
  } else if (p.hour24 !== undefined) {
    hour = p.hour24;
    if (p.pm !== undefined && hour < 12 && p.pm) hour += 12;
  }
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const days = daysFromCivil(year, month, day);
  if (p.dayOfWeek !== undefined && isoDayOfWeek(days) !== p.dayOfWeek) return null;
  const local = days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + (p.millis ?? 0);
  if (p.offset !== undefined) return local - p.offset;
  return (p.zone ?? zone).toUtc(local);
}
