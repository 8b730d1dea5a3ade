/**
 * Time zone rules for datetime functions: the offset from UTC at an instant, and the instant of a
 * local wall-clock time, with Java's rules for gaps (a skipped local time moves forward by the
 * gap) and overlaps (the earlier offset wins). Fixed offsets are arithmetic; regions ask `Intl`
 * once per UTC day and cache the answer.
 */
export interface ZoneRules {
  readonly id: string;
  /** Offset (ms, local − UTC) in force at `utcMs`. */
  offsetAt(utcMs: number): number;
  /** The UTC instant of local wall-clock time `localMs` (epoch ms read as if UTC). */
  toUtc(localMs: number): number;
  /** True when the offset never changes (UTC, '+01:00'): callers may hoist it out of loops. */
  readonly fixed: number | null;
}

const DAY = 86_400_000;

/** Java's short zone ids that Spark accepts (ZoneId.SHORT_IDS). */
const SHORT_IDS: Readonly<Record<string, string>> = {
  EST: '-05:00', MST: '-07:00', HST: '-10:00', ACT: 'Australia/Darwin', AET: 'Australia/Sydney', AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo', AST: 'America/Anchorage', BET: 'America/Sao_Paulo', BST: 'Asia/Dhaka', CAT: 'Africa/Harare', CNT: 'America/St_Johns',
  CST: 'America/Chicago', CTT: 'Asia/Shanghai', EAT: 'Africa/Addis_Ababa', ECT: 'Europe/Paris', IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata', JST: 'Asia/Tokyo', MIT: 'Pacific/Apia', NET: 'Asia/Yerevan', NST: 'Pacific/Auckland', PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix', PRT: 'America/Puerto_Rico', PST: 'America/Los_Angeles', SST: 'Pacific/Guadalcanal', VST: 'Asia/Ho_Chi_Minh',
};

const cache = new Map<string, ZoneRules>();

/** The rules of a zone id, or undefined when it names no zone. */
export function zoneRules(id: string): ZoneRules | undefined {
  let rules = cache.get(id);
  if (rules) return rules;
  const fixed = fixedOffsetOf(id);
  if (fixed !== undefined) rules = fixedZone(id, fixed);
  else {
    const region = SHORT_IDS[id] ?? id;
    const short = fixedOffsetOf(region);
    if (short !== undefined) rules = fixedZone(id, short);
    else rules = regionZone(id, region);
  }
  if (rules) cache.set(id, rules);
  return rules;
}

/** The rules of a zone id; throws for an unknown one (callers validate ids at definition time). */
export function requireZone(id: string): ZoneRules {
  const rules = zoneRules(id);
  if (!rules) throw new RangeError(`unknown time zone '${id}'`);
  return rules;
}

export function isValidTimeZone(id: string): boolean {
  return zoneRules(id) !== undefined;
}

/** 'UTC', 'GMT', 'Z', '+01:00', '-0800', '+1', 'UTC+01:00', 'GMT-8' → offset ms; undefined for regions. */
export function fixedOffsetOf(id: string): number | undefined {
  const upper = id.trim().toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z' || upper === 'UT' || upper === 'ETC/UTC' || upper === 'ETC/GMT') return 0;
  const match = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(upper);
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  const seconds = Number(match[4] ?? 0);
  if (hours > 18 || minutes > 59 || seconds > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

function fixedZone(id: string, offset: number): ZoneRules {
  return { id, fixed: offset, offsetAt: () => offset, toUtc: (local) => local - offset };
}

function regionZone(id: string, region: string): ZoneRules | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: region, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
  } catch {
    return undefined;
  }
  const exact = (utcMs: number): number => {
    const parts = format.formatToParts(new Date(utcMs));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const local = new Date(0);
    local.setUTCFullYear(year, get('month') - 1, get('day'));
    local.setUTCHours(get('hour'), get('minute'), get('second'), 0);
    return local.getTime() - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  };
  // Per UTC day: the offset at its start and, when it changes within the day, the transition.
  const days = new Map<number, { start: number; at: number; end: number }>();
  const offsetAt = (utcMs: number): number => {
    const day = Math.floor(utcMs / DAY);
    let entry = days.get(day);
    if (!entry) {
      const start = exact(day * DAY);
      const end = exact((day + 1) * DAY - 1000);
      let at = Infinity;
      if (start !== end) {
        let lo = day * DAY;
        let hi = (day + 1) * DAY - 1000;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (exact(mid) === start) lo = mid;
          else hi = mid;
        }
        at = hi;
      }
      entry = { start, at, end };
      if (days.size > 100_000) days.clear();
      days.set(day, entry);
    }
    return utcMs < entry.at ? entry.start : entry.end;
  };
  const toUtc = (local: number): number => {
    const earlier = offsetAt(local - DAY);
    const later = offsetAt(local + DAY);
    if (earlier === later) return local - earlier;
    const first = local - earlier;
    const second = local - later;
    const firstValid = offsetAt(first) === earlier;
    const secondValid = offsetAt(second) === later;
    // Overlap: the earlier offset (Java's default); gap: shifted forward, which `first` is.
    return secondValid && !firstValid ? second : first;
  };
  return { id, fixed: null, offsetAt, toUtc };
}
