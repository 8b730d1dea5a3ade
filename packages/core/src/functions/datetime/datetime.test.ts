import { afterEach, describe, expect, it } from 'vitest';
import { conf } from '../../session/conf.ts';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';

/** Spark's answers, restated from DateExpressionsSuite (UTC unless a zone is named). */
const v = (sql: string) => evaluateValue(sql);
const text = (sql: string) => evaluateValue(`cast(${sql} as string)`);
const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Europe/Amsterdam', 'Asia/Kolkata', 'Pacific/Kiritimati', '-08:00'];

function inZone<T>(zone: string, fn: () => T): T {
  conf.set('spark.sql.session.timeZone', zone);
  try {
    return fn();
  } finally {
    conf.unset('spark.sql.session.timeZone');
  }
}
afterEach(() => conf.unset('spark.sql.session.timeZone'));

const DATE = "DATE '2015-04-08'";
const TS = "TIMESTAMP '2013-11-08 13:10:15'";

describe('date fields', () => {
  it('dayofyear, year, quarter, month, day on the proleptic Gregorian calendar', () => {
    expect(v(`dayofyear(${DATE})`)).toBe(98);
    expect(v("dayofyear(cast('1582-10-15 13:10:15' as date))")).toBe(288);
    expect(v("dayofyear(cast('1582-10-04 13:10:15' as date))")).toBe(277);
    expect(v('dayofyear(cast(NULL as date))')).toBe(null);
    expect(v(`year(${DATE})`)).toBe(2015);
    expect(v(`year(${TS})`)).toBe(2013);
    expect(v("year(cast('1582-01-01 13:10:15' as date))")).toBe(1582);
    expect(v("year(cast('1581-12-31 13:10:15' as date))")).toBe(1581);
    expect(v(`quarter(${DATE})`)).toBe(2);
    expect(v(`quarter(${TS})`)).toBe(4);
    expect(v("quarter(cast('1582-10-01 13:10:15' as date))")).toBe(4);
    expect(v("quarter(cast('1582-09-30 13:10:15' as date))")).toBe(3);
    expect(v(`month(${DATE})`)).toBe(4);
    expect(v(`month(${TS})`)).toBe(11);
    expect(v("month(cast('1582-10-04 13:10:15' as date))")).toBe(10);
    expect(v("dayofmonth(cast('2000-02-29' as date))")).toBe(29);
    expect(v(`day(${DATE})`)).toBe(8);
    expect(v("day(cast('1582-10-04 13:10:15' as date))")).toBe(4);
  });

  it('every day of 1999 and 2000 has the right month and day', () => {
    // Rows take dates as epoch milliseconds (tableFromRows' convention).
    const days = Array.from({ length: 731 }, (_, k) => ({ d: (10592 + k) * 86_400_000 }));
    const months = evaluateRows('month(d)', days, 'd DATE');
    const dayOfMonth = evaluateRows('dayofmonth(d)', days, 'd DATE');
    days.forEach(({ d }, k) => {
      const date = new Date(d);
      expect([months[k], dayOfMonth[k]]).toEqual([date.getUTCMonth() + 1, date.getUTCDate()]);
    });
  });

  it('dayofweek (Sunday = 1), weekday (Monday = 0), weekofyear (ISO)', () => {
    const cases: [string, number, number, number][] = [
      ['2015-04-08', 4, 2, 15], ['2013-11-08', 6, 4, 45], ['2011-05-06', 6, 4, 18], ['2017-05-27', 7, 5, 21], ['1582-10-15', 6, 4, 41], ['1582-10-04', 2, 0, 40],
    ];
    for (const [date, dow, weekday, week] of cases) {
      expect(v(`dayofweek(DATE '${date}')`), date).toBe(dow);
      expect(v(`weekday(DATE '${date}')`), date).toBe(weekday);
      expect(v(`weekofyear(DATE '${date}')`), date).toBe(week);
    }
    expect(v('dayofweek(NULL)')).toBe(null);
    expect(v("extract(YEAROFWEEK FROM DATE '2006-01-01')")).toBe(2005);
    expect(v("extract(YEAROFWEEK FROM DATE '2006-01-02')")).toBe(2006);
  });

  it('hour, minute and second in the session time zone', () => {
    expect(v(`hour(${TS})`)).toBe(13);
    expect(v(`minute(${TS})`)).toBe(10);
    expect(v(`second(${TS})`)).toBe(15);
    expect(v(`hour(cast(${DATE} as timestamp))`)).toBe(0);
    // The same instant in other zones (the literal is read in UTC, before the zone changes).
    const instant = v(TS) as number;
    expect(inZone('America/Los_Angeles', () => evaluateValue('hour(t)', { t: instant }, 't TIMESTAMP'))).toBe(5);
    expect(inZone('Asia/Tokyo', () => evaluateValue('hour(t)', { t: instant }, 't TIMESTAMP'))).toBe(22);
    expect(inZone('Asia/Kolkata', () => evaluateValue('minute(t)', { t: instant }, 't TIMESTAMP'))).toBe(40);
  });

  it('extract / date_part with seconds as DECIMAL(8,6)', () => {
    expect(v("extract(YEAR FROM TIMESTAMP '2019-08-12 01:00:00.123')")).toBe(2019);
    expect(v("date_part('week', TIMESTAMP '2019-08-12 01:00:00.123')")).toBe(33);
    expect(v("date_part('doy', DATE '2019-08-12')")).toBe(224);
    expect(v("cast(extract(SECOND FROM TIMESTAMP '2019-08-10 00:00:10.123') as string)")).toBe('10.123000');
    expect(() => v("date_part('fortnight', DATE '2019-08-12')")).toThrow(/unknown field 'fortnight'/);
  });
});

describe('date_format and datetime patterns', () => {
  it('formats in the session time zone (DateFormat cases)', () => {
    expect(v("date_format(cast(NULL as timestamp), 'y')")).toBe(null);
    expect(v(`date_format(cast(${DATE} as timestamp), NULL)`)).toBe(null);
    expect(v(`date_format(cast(${DATE} as timestamp), 'y')`)).toBe('2015');
    expect(v(`date_format(${TS}, 'y')`)).toBe('2013');
    expect(v(`date_format(cast(${DATE} as timestamp), 'H')`)).toBe('0');
    expect(v(`date_format(${TS}, 'H')`)).toBe('13');
    const instant = v(TS) as number;
    for (const [zone, hour] of [['America/Los_Angeles', '5'], ['Asia/Tokyo', '22']] as const) {
      expect(inZone(zone, () => evaluateValue("date_format(t, 'H')", { t: instant }, 't TIMESTAMP'))).toBe(hour);
      expect(inZone(zone, () => v(`date_format(cast(${DATE} as timestamp), 'H')`))).toBe('0');
    }
  });

  it('prints every supported letter as java.time does', () => {
    const t = "TIMESTAMP '2023-08-18 09:13:14.123'";
    const cases: [string, string][] = [
      ['yyyy-MM-dd HH:mm:ss.SSS', '2023-08-18 09:13:14.123'], ['yy', '23'], ['y', '2023'], ['yyyyy', '02023'], ['M/d', '8/18'], ['MMM MMMM', 'Aug August'],
      ['L', '8'], ['D', '230'], ['DDD', '230'], ['Q QQ QQQ QQQQ', '3 03 Q3 3rd quarter'], ['E EEE EEEE', 'Fri Fri Friday'], ['F', '4'],
      ['a h K k', 'AM 9 9 9'], ['hh:mm a', '09:13 AM'], ['S SS SSSSSS', '1 12 123000'], ["'T'HH'h' ''", "T09h '"], ['G GGGG', 'AD Anno Domini'],
      ['XXX xx Z ZZZZ ZZZZZ O', 'Z +0000 +0000 GMT Z GMT'], ['VV', 'UTC'], ['[yyyy]-MM', '2023-08'],
    ];
    for (const [pattern, expected] of cases) expect(v(`date_format(${t}, '${pattern.replace(/'/g, "\\'")}')`), pattern).toBe(expected);
    const pm = "TIMESTAMP '2023-08-18 21:05:00'";
    expect(v(`date_format(${pm}, 'h a k K H')`)).toBe('9 PM 21 9 21');
    expect(v("date_format(TIMESTAMP '2023-08-18 00:05:00', 'h k K')")).toBe('12 24 0');
  });

  it('prints zone offsets and names', () => {
    const instant = v("TIMESTAMP '2023-01-15 12:00:00'") as number;
    const at = (zone: string, pattern: string) => inZone(zone, () => evaluateValue(`date_format(t, '${pattern}')`, { t: instant }, 't TIMESTAMP'));
    expect(at('America/Los_Angeles', 'HH:mm XXX x Z ZZZZ O')).toBe('04:00 -08:00 -08 -0800 GMT-08:00 GMT-8');
    expect(at('America/Los_Angeles', 'z VV')).toBe('PST America/Los_Angeles');
    expect(at('Asia/Kolkata', 'HH:mm X XX XXX OOOO')).toBe('17:30 +0530 +0530 +05:30 GMT+05:30');
    expect(at('+01:00', 'HH:mm XXX')).toBe('13:00 +01:00');
  });

  it('refuses the letters Spark 3 refuses, when the query is defined', () => {
    for (const pattern of ['YYYY', 'ww', 'W', 'u', 'e', 'c', 'A', 'n', 'N', 'p', 'dd-MMMMM', 'EEEEE']) {
      expect(() => v(`date_format(${TS}, '${pattern}')`), pattern).toThrow(/invalid datetime pattern/);
    }
    expect(() => v(`date_format(${TS}, "yyyy-MM-dd'")`)).toThrow(/invalid datetime pattern/);
  });
});

describe('unix time', () => {
  it('from_unixtime in every zone, and null for an invalid format', () => {
    for (const zone of ZONES) {
      inZone(zone, () => {
        const local = (ms: number) => evaluateValue("date_format(t, 'yyyy-MM-dd HH:mm:ss')", { t: ms }, 't TIMESTAMP');
        expect(v("from_unixtime(0L, 'yyyy-MM-dd HH:mm:ss')")).toBe(local(0));
        expect(v("from_unixtime(1000L, 'yyyy-MM-dd HH:mm:ss')")).toBe(local(1_000_000));
        expect(v("from_unixtime(-1000L, 'yyyy-MM-dd HH:mm:ss.SSS')")).toBe(`${local(-1_000_000) as string}.000`);
        expect(v('from_unixtime(NULL, NULL)')).toBe(null);
        expect(v("from_unixtime(NULL, 'yyyy-MM-dd HH:mm:ss')")).toBe(null);
        expect(v('from_unixtime(1000L, NULL)')).toBe(null);
        expect(v("from_unixtime(0L, 'not a valid format')")).toBe(null);
      });
    }
    expect(v('from_unixtime(0)')).toBe('1970-01-01 00:00:00');
    expect(inZone('America/Los_Angeles', () => v('from_unixtime(0)'))).toBe('1969-12-31 16:00:00');
  });

  it('unix_timestamp and to_unix_timestamp in every zone', () => {
    for (const zone of ZONES) {
      inZone(zone, () => {
        for (const name of ['unix_timestamp', 'to_unix_timestamp']) {
          const zero = v("from_unixtime(0L, 'yyyy-MM-dd HH:mm:ss')") as string;
          const thousand = v("from_unixtime(1000L, 'yyyy-MM-dd HH:mm:ss')") as string;
          const negative = v("from_unixtime(-1000L, 'yyyy-MM-dd HH:mm:ss.SSS')") as string;
          expect(v(`${name}('${zero}', 'yyyy-MM-dd HH:mm:ss')`)).toBe(0n);
          expect(v(`${name}('${thousand}', 'yyyy-MM-dd HH:mm:ss')`)).toBe(1000n);
          expect(v(`${name}(timestamp_millis(1000000), 'yyyy-MM-dd HH:mm:ss')`)).toBe(1000n);
          expect(v(`${name}('${negative}', 'yyyy-MM-dd HH:mm:ss.SSS')`)).toBe(-1000n);
          const midnight = BigInt(Math.floor((v("cast(DATE '2015-07-24' as timestamp)") as number) / 1000));
          expect(v(`${name}(DATE '2015-07-24', 'yyyy-MM-dd HH:mm:ss')`)).toBe(midnight);
          expect(v(`${name}('15-07-24', 'yy-MM-dd')`)).toBe(midnight);
          expect(v(`${name}(DATE '2015-07-24', NULL)`)).toBe(midnight);
          expect(v(`${name}(cast(NULL as date), 'yyyy-MM-dd HH:mm:ss')`)).toBe(null);
          expect(v(`${name}('2015-07-24', 'not a valid format')`)).toBe(null);
        }
      });
    }
    expect(v("unix_timestamp('2016-04-08', 'yyyy-MM-dd')")).toBe(1460073600n);
    expect(evaluateValue('unix_timestamp()')).toBe(BigInt(Math.floor(Date.UTC(2024, 0, 2, 3, 4, 5, 678) / 1000)));
  });

  it('epoch constructors and readers', () => {
    expect(text('timestamp_seconds(1230219000)')).toBe('2008-12-25 15:30:00');
    expect(text('timestamp_seconds(1230219000.123D)')).toBe('2008-12-25 15:30:00.123');
    expect(text('timestamp_millis(1230219000123)')).toBe('2008-12-25 15:30:00.123');
    expect(v("unix_seconds(TIMESTAMP '1970-01-01 00:00:01Z')")).toBe(1n);
    expect(v("unix_millis(TIMESTAMP '1970-01-01 00:00:01.5Z')")).toBe(1500n);
    expect(v("unix_date(DATE '1970-01-02')")).toBe(1);
    expect(text('date_from_unix_date(1)')).toBe('1970-01-02');
  });
});

describe('parsing with patterns', () => {
  it('to_timestamp and to_date read the pattern; a mismatch is null', () => {
    expect(text("to_timestamp('2016-12-31 00:12:00')")).toBe('2016-12-31 00:12:00');
    expect(text("to_timestamp('2016-12-31', 'yyyy-MM-dd')")).toBe('2016-12-31 00:00:00');
    expect(text("to_timestamp('31/12/2016 11:30 PM', 'dd/MM/yyyy hh:mm a')")).toBe('2016-12-31 23:30:00');
    expect(text("to_timestamp('2019-01-16 20:50:00.5', 'yyyy-MM-dd HH:mm:ss.SSS')")).toBe('2019-01-16 20:50:00.5');
    expect(text(`to_timestamp('2019-01-16T20:50:00+01:00', "yyyy-MM-dd'T'HH:mm:ssXXX")`)).toBe('2019-01-16 19:50:00');
    expect(text("to_timestamp('Aug 18 2023', 'MMM dd yyyy')")).toBe('2023-08-18 00:00:00');
    expect(text("to_timestamp('aug 18 2023', 'MMM dd yyyy')")).toBe('2023-08-18 00:00:00');
    expect(text("to_timestamp('2023-230', 'yyyy-DDD')")).toBe('2023-08-18 00:00:00');
    expect(v("to_timestamp('2016-13-31', 'yyyy-MM-dd')")).toBe(null);
    expect(v("to_timestamp('2016-12-31 extra', 'yyyy-MM-dd')")).toBe(null);
    expect(v("to_timestamp('2016-12-31', 'yyyy-MM-dd HH:mm')")).toBe(null);
    expect(v("to_timestamp('Fri 2023-08-17', 'EEE yyyy-MM-dd')")).toBe(null);
    expect(text("to_timestamp('2023-08', 'yyyy-MM[-dd]')")).toBe('2023-08-01 00:00:00');
    expect(text("to_date('2016-12-31', 'yyyy-MM-dd')")).toBe('2016-12-31');
    expect(text("to_date('12/31/2016 23:59', 'MM/dd/yyyy HH:mm')")).toBe('2016-12-31');
    expect(v("to_date('2016-02-30', 'yyyy-MM-dd')")).toBe(null);
    expect(text("to_date('2009-07-30 04:17:52')")).toBe('2009-07-30');
  });

  it('reads local times in the session zone, unless the text names its own', () => {
    expect(inZone('America/Los_Angeles', () => v("unix_timestamp('2016-01-01 00:00:00', 'yyyy-MM-dd HH:mm:ss')"))).toBe(1451635200n);
    expect(inZone('America/Los_Angeles', () => v("unix_timestamp('2016-01-01 00:00:00 +0000', 'yyyy-MM-dd HH:mm:ss Z')"))).toBe(1451606400n);
    expect(inZone('Asia/Tokyo', () => v("unix_timestamp('2016-01-01 00:00:00 UTC', 'yyyy-MM-dd HH:mm:ss z')"))).toBe(1451606400n);
  });
});

describe('date arithmetic', () => {
  it('date_add / date_sub / + and - with days', () => {
    expect(text("date_add(DATE '2016-02-28', cast(1 as tinyint))")).toBe('2016-02-29');
    expect(text("date_add(DATE '2016-02-28', 1)")).toBe('2016-02-29');
    expect(text("date_add(DATE '2016-02-28', -365)")).toBe('2015-02-28');
    expect(v('date_add(cast(NULL as date), 1)')).toBe(null);
    expect(v("date_add(DATE '2016-02-28', NULL)")).toBe(null);
    expect(v("date_add(DATE '2016-02-28', 32768)")).toBe(49627);
    expect(v("date_add(DATE '2016-02-28', -32769)")).toBe(-15910);
    expect(v("date_sub(DATE '2016-02-28', 32768)")).toBe(-15909);
    expect(v("date_sub(DATE '2016-02-28', -32769)")).toBe(49628);
    expect(text("date_sub(DATE '2015-01-01', 1)")).toBe('2014-12-31');
    expect(text("date_sub(DATE '2015-01-01', -1)")).toBe('2015-01-02');
    expect(text("DATE '2015-01-01' + 31")).toBe('2015-02-01');
    expect(text("DATE '2015-01-01' - 1")).toBe('2014-12-31');
    expect(v("datediff(DATE '2015-07-24', DATE '2015-07-21')")).toBe(3);
    expect(v("datediff(DATE '2015-07-21', DATE '2015-07-24')")).toBe(-3);
    expect(v("datediff(NULL, DATE '2015-07-24')")).toBe(null);
  });

  it('timestamp ± intervals on the local calendar, in every zone (time_add / time_sub)', () => {
    for (const zone of ZONES) {
      inZone(zone, () => {
        expect(text("TIMESTAMP '2016-01-29 10:00:00.000' + INTERVAL 1 MONTH 2 DAYS 123 MILLISECONDS"), zone).toBe('2016-03-02 10:00:00.123');
        expect(text("TIMESTAMP '2016-03-31 10:00:00' - INTERVAL 1 MONTH"), zone).toBe('2016-02-29 10:00:00');
        expect(text("TIMESTAMP '2016-03-31 10:00:00' - INTERVAL 1 MONTH 1 DAY"), zone).toBe('2016-02-28 10:00:00');
        expect(text("TIMESTAMP '2016-03-30 00:00:01' - INTERVAL 1 MONTH 2 SECONDS"), zone).toBe('2016-02-28 23:59:59');
        expect(text("TIMESTAMP '2016-03-30 00:00:01' - INTERVAL 1 MONTH 1 DAY 2 SECONDS"), zone).toBe('2016-02-27 23:59:59');
        expect(v('cast(NULL as timestamp) + INTERVAL 1 DAY')).toBe(null);
      });
    }
    expect(text("DATE '2016-01-31' + INTERVAL 1 MONTH")).toBe('2016-02-29');
    expect(text("DATE '2016-01-31' + INTERVAL 2 HOURS")).toBe('2016-01-31 02:00:00');
  });

  it('add_months and months_between', () => {
    expect(text("add_months(DATE '2015-01-30', 1)")).toBe('2015-02-28');
    expect(text("add_months(DATE '2016-03-30', -1)")).toBe('2016-02-29');
    expect(v("add_months(DATE '2015-01-30', NULL)")).toBe(null);
    expect(text("add_months(DATE '0001-01-01', 120000)")).toBe('+10001-01-01');
    expect(v("add_months(DATE '9999-12-31', -120000)")).toBe(-719529);
    for (const zone of ZONES) {
      inZone(zone, () => {
        expect(v("months_between(TIMESTAMP '1997-02-28 10:30:00', TIMESTAMP '1996-10-30 00:00:00', true)"), zone).toBe(3.94959677);
        expect(v("months_between(TIMESTAMP '1997-02-28 10:30:00', TIMESTAMP '1996-10-30 00:00:00', false)"), zone).toBe(3.9495967741935485);
        for (const round of ['true', 'false']) {
          expect(v(`months_between(TIMESTAMP '2015-01-30 11:52:00', TIMESTAMP '2015-01-30 11:50:00', ${round})`)).toBe(0);
          expect(v(`months_between(TIMESTAMP '2015-01-31 00:00:00', TIMESTAMP '2015-03-31 22:00:00', ${round})`)).toBe(-2);
          expect(v(`months_between(TIMESTAMP '2015-03-31 22:00:00', TIMESTAMP '2015-02-28 00:00:00', ${round})`)).toBe(1);
        }
        expect(v("months_between(TIMESTAMP '2015-03-31 22:00:00', NULL)")).toBe(null);
        expect(v("months_between(TIMESTAMP '2015-03-31 22:00:00', TIMESTAMP '2015-03-31 22:00:00', NULL)")).toBe(null);
      });
    }
  });

  it('last_day, next_day', () => {
    const lastDays: [string, string][] = [['2015-02-28', '2015-02-28'], ['2015-03-27', '2015-03-31'], ['2015-04-26', '2015-04-30'], ['2015-05-25', '2015-05-31'], ['2015-06-24', '2015-06-30'],
      ['2015-07-23', '2015-07-31'], ['2015-08-01', '2015-08-31'], ['2015-09-02', '2015-09-30'], ['2015-10-03', '2015-10-31'], ['2015-11-04', '2015-11-30'], ['2015-12-05', '2015-12-31'],
      ['2016-01-06', '2016-01-31'], ['2016-02-07', '2016-02-29']];
    for (const [input, last] of lastDays) expect(text(`last_day(DATE '${input}')`)).toBe(last);
    expect(v('last_day(cast(NULL as date))')).toBe(null);
    const next: [string, string][] = [['Mon', '2015-07-27'], ['mo', '2015-07-27'], ['Tue', '2015-07-28'], ['tu', '2015-07-28'], ['we', '2015-07-29'], ['wed', '2015-07-29'],
      ['Thu', '2015-07-30'], ['TH', '2015-07-30'], ['Fri', '2015-07-24'], ['fr', '2015-07-24']];
    for (const [day, expected] of next) {
      expect(text(`next_day(DATE '2015-07-23', '${day}')`)).toBe(expected);
      expect(evaluateValue("cast(next_day(DATE '2015-07-23', d) as string)", { d: day }, 'd STRING')).toBe(expected);
    }
    expect(v("next_day(DATE '2015-07-23', 'xx')")).toBe(null);
    expect(v("next_day(NULL, 'xx')")).toBe(null);
    expect(v("next_day(DATE '2015-07-23', NULL)")).toBe(null);
  });

  it('trunc (dates) and date_trunc (timestamps)', () => {
    for (const fmt of ['yyyy', 'YYYY', 'year', 'YEAR', 'yy', 'YY']) expect(text(`trunc(DATE '2015-07-22', '${fmt}')`)).toBe('2015-01-01');
    for (const fmt of ['month', 'MONTH', 'mon', 'MON', 'mm', 'MM']) expect(text(`trunc(DATE '2015-07-22', '${fmt}')`)).toBe('2015-07-01');
    for (const fmt of ['DD', 'SECOND', 'HOUR']) expect(v(`trunc(DATE '2015-07-22', '${fmt}')`)).toBe(null);
    expect(v("trunc(DATE '2015-07-22', NULL)")).toBe(null);
    expect(v("trunc(NULL, 'MON')")).toBe(null);
    const ts = "TIMESTAMP '2015-07-22 05:30:06'";
    const cases: [string[], string][] = [
      [['yyyy', 'YYYY', 'year', 'YEAR', 'yy', 'YY'], '2015-01-01 00:00:00'], [['month', 'MONTH', 'mon', 'MON', 'mm', 'MM'], '2015-07-01 00:00:00'],
      [['DAY', 'day', 'DD', 'dd'], '2015-07-22 00:00:00'], [['HOUR', 'hour'], '2015-07-22 05:00:00'], [['MINUTE', 'minute'], '2015-07-22 05:30:00'],
      [['SECOND', 'second'], '2015-07-22 05:30:06'], [['WEEK', 'week'], '2015-07-20 00:00:00'], [['QUARTER', 'quarter'], '2015-07-01 00:00:00'],
    ];
    for (const [formats, expected] of cases) for (const fmt of formats) expect(text(`date_trunc('${fmt}', ${ts})`), fmt).toBe(expected);
    expect(v(`date_trunc('INVALID', ${ts})`)).toBe(null);
    expect(v(`date_trunc(NULL, ${ts})`)).toBe(null);
    expect(v("date_trunc('MON', NULL)")).toBe(null);
    expect(inZone('America/Los_Angeles', () => text("date_trunc('DAY', TIMESTAMP '2015-07-22 05:30:06')"))).toBe('2015-07-22 00:00:00');
  });

  it('from_utc_timestamp / to_utc_timestamp', () => {
    expect(text("to_utc_timestamp(TIMESTAMP '2015-07-24 00:00:00', 'America/Los_Angeles')")).toBe('2015-07-24 07:00:00');
    expect(text("to_utc_timestamp(TIMESTAMP '2015-01-24 00:00:00', 'America/Los_Angeles')")).toBe('2015-01-24 08:00:00');
    expect(v("to_utc_timestamp(NULL, 'UTC')")).toBe(null);
    expect(v("to_utc_timestamp(TIMESTAMP '2015-07-24 00:00:00', NULL)")).toBe(null);
    expect(text("from_utc_timestamp(TIMESTAMP '2015-07-24 00:00:00', 'America/Los_Angeles')")).toBe('2015-07-23 17:00:00');
    expect(text("from_utc_timestamp(TIMESTAMP '2015-01-24 00:00:00', 'America/Los_Angeles')")).toBe('2015-01-23 16:00:00');
    for (const bad of ['Invalid time zone', 'UTC*42']) expect(() => v(`from_utc_timestamp(TIMESTAMP '2015-07-24 00:00:00', '${bad}')`)).toThrow(/unknown time zone/);
  });

  it('make_date and make_timestamp', () => {
    expect(text('make_date(2013, 7, 15)')).toBe('2013-07-15');
    expect(v('make_date(NULL, 7, 15)')).toBe(null);
    expect(v('make_date(2147483647, 13, 19)')).toBe(null);
    expect(v('make_date(2019, 13, 19)')).toBe(null);
    expect(v('make_date(2019, 7, 32)')).toBe(null);
    expect(text('make_timestamp(2013, 7, 15, 8, 15, 23.5D)')).toBe('2013-07-15 08:15:23.5');
    expect(v('make_timestamp(2013, 13, 15, 8, 15, 23.5D)')).toBe(null);
    expect(v('make_timestamp(2013, 7, 32, 8, 15, 23.5D)')).toBe(null);
    expect(v('make_timestamp(2013, 7, 15, 25, 15, 23.5D)')).toBe(null);
    expect(v('make_timestamp(2013, 7, 15, 8, 65, 23.5D)')).toBe(null);
    expect(v('make_timestamp(2013, 7, 15, 8, 15, 70.0D)')).toBe(null);
    expect(text('make_timestamp(2019, 6, 30, 23, 59, 60.0D)')).toBe('2019-07-01 00:00:00');
    expect(v('make_timestamp(2019, 6, 30, 23, 59, 60.5D)')).toBe(null);
    expect(text("make_timestamp(2019, 6, 30, 23, 0, 0, 'Asia/Tokyo')")).toBe('2019-06-30 14:00:00');
  });

  it('window() as a column: the tumbling window of each timestamp', () => {
    expect(evaluateValue("window(t, '10 seconds')", { t: Date.UTC(2024, 0, 1, 0, 0, 12) }, 't TIMESTAMP')).toEqual({ start: Date.UTC(2024, 0, 1, 0, 0, 10), end: Date.UTC(2024, 0, 1, 0, 0, 20) });
    expect(() => evaluateValue("window(t, '10 seconds', '5 seconds')", { t: 0 }, 't TIMESTAMP')).toThrow(/sliding window/);
  });
});

describe('casts between strings, dates and timestamps in a zone', () => {
  it('reads and writes local wall-clock time in the session zone', () => {
    expect(inZone('America/Los_Angeles', () => v("cast('2015-07-24 00:00:00' as timestamp)"))).toBe(Date.UTC(2015, 6, 24, 7));
    expect(inZone('Asia/Tokyo', () => evaluateValue('cast(t as string)', { t: Date.UTC(2015, 6, 24) }, 't TIMESTAMP'))).toBe('2015-07-24 09:00:00');
    expect(inZone('Asia/Tokyo', () => evaluateValue('cast(t as date)', { t: Date.UTC(2015, 6, 23, 20) }, 't TIMESTAMP'))).toBe(v("DATE '2015-07-24'"));
    expect(inZone('America/Los_Angeles', () => text("cast(DATE '2015-07-24' as timestamp)"))).toBe('2015-07-24 00:00:00');
    // A skipped local time (spring forward) moves forward by the gap, as java.time does.
    expect(inZone('America/Los_Angeles', () => text("TIMESTAMP '2019-03-10 02:30:00'"))).toBe('2019-03-10 03:30:00');
  });
});
