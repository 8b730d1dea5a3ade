/**
 * JSON as Spark prints progress and status (`prettyJson`, Jackson's default pretty printer):
 * `"key" : value`, objects one field per line indented two spaces per level, arrays inline
 * (`[ {` … `}, {` … `} ]`, empty `[ ]`), and rates with one decimal, never in E notation.
 */
export function prettyJson(value: unknown): string {
  return write(value, 0, undefined, true);
}

/** The same value as Spark's compact `json`. */
export function compactJson(value: unknown): string {
  return write(value, 0, undefined, false);
}

/** Fields Spark writes as decimals rounded HALF_UP to one place (`safeDecimalToJValue`). */
const RATE_FIELDS = new Set(['inputRowsPerSecond', 'processedRowsPerSecond']);
/** String metrics Spark writes as a one-decimal number string (SPARK-53690). */
const DECIMAL_STRING_FIELDS = new Set(['avgOffsetsBehindLatest']);

function write(value: unknown, level: number, key: string | undefined, pretty: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return key !== undefined && RATE_FIELDS.has(key) ? oneDecimal(value) : numberText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && key !== undefined && DECIMAL_STRING_FIELDS.has(key) && value.trim() !== '' && Number.isFinite(Number(value))) {
    return JSON.stringify(oneDecimal(Number(value)));
  }
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return pretty ? '[ ]' : '[]';
    const items = value.map((v) => write(v, level, undefined, pretty));
    return pretty ? `[ ${items.join(', ')} ]` : `[${items.join(',')}]`;
  }
  // Spark leaves out fields whose number is NaN or infinite (a rate over no time).
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && !(typeof v === 'number' && !Number.isFinite(v)));
  if (entries.length === 0) return pretty ? '{ }' : '{}';
  if (!pretty) return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, level + 1, k, false)}`).join(',')}}`;
  const indent = '  '.repeat(level + 1);
  const fields = entries.map(([k, v]) => `${indent}${JSON.stringify(k)} : ${write(v, level + 1, k, true)}`);
  return `{\n${fields.join(',\n')}\n${'  '.repeat(level)}}`;
}

/**
 * HALF_UP to one decimal on the number's shortest decimal form (Scala's `BigDecimal(double)`
 * reads `Double.toString`), written without E notation however large.
 */
export function oneDecimal(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const negative = n < 0;
  const plain = plainDecimal(Math.abs(n));
  const [whole, fraction = ''] = plain.split('.');
  let digits = BigInt(`${whole}${(fraction + '0').slice(0, 1)}`);
  if ((fraction[1] ?? '0') >= '5') digits += 1n;
  const text = digits.toString().padStart(2, '0');
  const result = `${text.slice(0, -1)}.${text.slice(-1)}`;
  return negative && digits !== 0n ? `-${result}` : result;
}

/** A non-negative number's shortest decimal digits, expanded out of E notation. */
function plainDecimal(n: number): string {
  const text = String(n);
  const match = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const digits = `${match[1]}${match[2] ?? ''}`;
  const point = match[1]!.length + Number(match[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  return point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 }) : String(n);
}
