/**
 * Calendar arithmetic on the proleptic Gregorian calendar (Spark 3's), by day numbers: no Date
 * objects in the hot loops of datetime kernels.
 */
export const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a year, month (1–12) and day. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month (1–12) and day of a day number; written into `out` to spare an allocation per row. */
export function civilFromDays(days: number, out: { year: number; month: number; day: number } = { year: 0, month: 0, day: 0 }): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out.month = month;
  out.day = day;
  return out;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Day of week of a day number: 1 = Monday … 7 = Sunday (ISO). */
export function isoDayOfWeek(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** Day of the year, 1-based. */
export function dayOfYear(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day) - daysFromCivil(year, 1, 1) + 1;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `yyyy-MM-dd` of a day number (years beyond 9999 or before 0 as Spark prints them). */
export function formatDate(days: number): string {
  const c = civilFromDays(days);
  return `${formatYear(c.year)}-${pad2(c.month)}-${pad2(c.day)}`;
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return year < 0 ? `-${String(-year).padStart(4, '0')}` : `+${year}`;
}

/**
 * Spark's cast of a timestamp to string: `yyyy-MM-dd HH:mm:ss` then the fraction without
 * trailing zeros, of local time `localMs` (epoch ms already shifted into the zone).
 */
export function formatLocalTimestamp(localMs: number): string {
  const days = Math.floor(localMs / MS_PER_DAY);
  let rest = localMs - days * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const ms = rest - second * 1000;
  const base = `${formatDate(days)} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  if (ms === 0) return base;
  return `${base}.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
}
