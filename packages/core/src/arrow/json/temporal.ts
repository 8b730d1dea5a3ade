/**
 * ISO-8601 timestamps and `yyyy-MM-dd` dates ⇄ epoch numbers, written by hand: `Date.parse`
 * reads a zone-less "2024-01-01 10:00:00" in the machine's local zone and accepts many
 * non-ISO shapes, and both would make a pipeline's output depend on where it runs.
 */

const MS_PER_DAY = 86_400_000;
/** The range `Date` can represent; outside it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

const ISO_TIMESTAMP = /^(-?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_DATE = /^(-?\d{4,6})-(\d{2})-(\d{2})$/;

/**
 * Milliseconds since the epoch from an ISO-8601 timestamp (`2024-05-01T10:00:00.123Z`,
 * `2024-05-01 10:00:00+02:00`, `2024-05-01`). A string without a zone is read as UTC.
 * Digits below the millisecond are truncated. `undefined` when the text is not such a timestamp.
 */
export function parseIsoTimestampMs(text: string): number | undefined {
  const fast = parseCanonicalTimestamp(text);
  if (fast !== undefined) return fast;
  const m = ISO_TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(m[1]), month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number((m[7] + '00').slice(0, 3));
  let ms = utcMs(Number(m[1]), month, day) + hour * 3_600_000 + minute * 60_000 + second * 1000 + fraction;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (zh > 18 || zm > 59) return undefined;
    ms -= sign * (zh * 3_600_000 + zm * 60_000);
  }
  return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

/**
 * The common shapes `2024-05-01T10:00:00Z`, `…00.123Z`, and the same without `Z` or with a space,
 * read digit by digit: the regex path costs more than the JSON parse of a small record.
 */
function parseCanonicalTimestamp(text: string): number | undefined {
  const n = text.length;
  const zoned = text.charCodeAt(n - 1) === 90; // Z
  const body = zoned ? n - 1 : n;
  if (body !== 19 && body !== 23) return undefined;
  const sep = text.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  if (body === 23 && text.charCodeAt(19) !== 46) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const milli = body === 23 ? digits(text, 20, 3) : 0;
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) return undefined;
  return utcMs(year, month, day) + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

/** The decimal number in text[from, from+count), or -1 if a character is not a digit. */
function digits(text: string, from: number, count: number): number {
  let v = 0;
  for (let k = from; k < from + count; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days since the epoch from `yyyy-MM-dd`; `undefined` for anything else. */
export function parseIsoDateDays(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(m[1]), month)) return undefined;
  return utcMs(Number(m[1]), month, day) / MS_PER_DAY;
}

/** `2024-05-01T10:00:00.123Z`: Spark's to_json shape (milliseconds, UTC). */
export function formatIsoTimestampMs(ms: number): string {
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return String(ms);
  // The date part is cached per day: a batch's timestamps mostly share a few days, and
  // Date#toISOString costs several times the arithmetic below.
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDatePrefix = `${formatIsoDateDays(day)}T`;
  }
  let rest = ms - day * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  return `${cachedDatePrefix}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

let cachedDay = NaN;
let cachedDatePrefix = '';
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** `2024-05-01` for days since the epoch. */
export function formatIsoDateDays(days: number): string {
  const ms = days * MS_PER_DAY;
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return String(days);
  const iso = new Date(ms).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}

function utcMs(year: number, month: number, day: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
