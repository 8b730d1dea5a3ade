import { daysFromCivil, daysInMonth, MS_PER_DAY } from './civil.ts';
import { fixedOffsetOf, zoneRules, type ZoneRules } from './timeZone.ts';

/**
 * Spark's string → DATE (`DateTimeUtils.stringToDate`): after trimming, `yyyy`, `yyyy-[m]m`,
 * `yyyy-[m]m-[d]d`, optionally followed by a space or `T` and anything. Null when invalid.
 *
 * @example parseDateString('2015-03-18T12:03:17') // 16512
 */
export function parseDateString(text: string): number | null {
  const s = trimAll(text);
  const match = /^([+-]?)(\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$/s.exec(s);
  if (!match) return null;
  const year = (match[1] === '-' ? -1 : 1) * Number(match[2]);
  const month = match[3] === undefined ? 1 : Number(match[3]);
  const day = match[4] === undefined ? 1 : Number(match[4]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/**
 * Spark's string → TIMESTAMP (`DateTimeUtils.stringToTimestamp`): a date as above, then an
 * optional time `[h]h:[m]m[:[s]s[.fraction]]` after a space or `T`, then an optional zone (`Z`,
 * `+01:00`, `-0800`, `UTC`, `UTC+1`, ` Europe/Paris`). Without a zone the time is local to `zone`.
 * Sub-millisecond digits are dropped (Sluice timestamps are milliseconds). Null when invalid.
 *
 * @example parseTimestampString('2019-01-16 20:50:00.567+01:00', utc) // 1547668200567
 */
export function parseTimestampString(text: string, zone: ZoneRules): number | null {
  const s = trimAll(text);
  const match = /^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:(?:[ T])(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?(.*)$/s.exec(s);
  if (!match) return null;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zoneText] = match;
  const year = Number(yearText);
  const month = monthText === undefined ? 1 : Number(monthText);
  const day = dayText === undefined ? 1 : Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const hour = hourText === undefined ? 0 : Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  const second = secondText === undefined ? 0 : Number(secondText);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  const rest = zoneText ?? '';
  if (rest === '' || (hourText === undefined && (rest === 'T' || rest === ' '))) return zone.toUtc(local);
  // A zone: Z, an offset, or a name (a region id may follow one space).
  if (!/^ ?(Z|[+-]\d|[A-Za-z])/.test(rest)) return null;
  const zoneId = rest.trim();
  const offset = fixedOffsetOf(zoneId);
  if (offset !== undefined) return local - offset;
  const rules = zoneRules(zoneId);
  return rules ? rules.toUtc(local) : null;
}

/** Spark trims every character up to and including the space (`UTF8String.trimAll`). */
function trimAll(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return text.slice(start, end);
}
