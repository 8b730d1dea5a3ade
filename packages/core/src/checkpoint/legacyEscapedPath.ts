import { stat } from 'node:fs/promises';
import { SluiceError } from '../errors.ts';

/** What `java.net.URI` leaves unquoted in a path (unreserved, punctuation, `/`, `@`); `%` is always quoted. */
const URI_PATH_CHAR = /[A-Za-z0-9\-_.!~*'(),;:$&+=/@]/;

/**
 * A local path as Spark 2.4 and earlier wrote it by mistake: Hadoop's `new Path(p.toUri.toString)`
 * keeps the URI-escaped text as the name (`output %@#output` → `output%20%25@%23output`), once for
 * a file sink's `_spark_metadata`, three times for a checkpoint root (SPARK-26824). Characters a
 * URI path allows stay, non-ASCII letters too (java.net.URI's "other" characters); the rest are
 * percent-encoded as UTF-8.
 */
export function sparkLegacyEscapedPath(path: string, times = 1): string {
  let out = path;
  for (let i = 0; i < times; i++) {
    let next = '';
    for (const c of out) {
      const code = c.codePointAt(0)!;
      const other = code > 0x7f && !/[\s\p{Cc}]/u.test(c);
      next += URI_PATH_CHAR.test(c) || other ? c : [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    }
    out = next;
  }
  return out;
}

/**
 * Spark's escaped-path check: refuse `path` when Spark 2.4's wrongly escaped twin of it exists,
 * since starting beside it would ignore what was already written there (a file sink would write
 * its batches again, a checkpoint would start over). The user moves the twin into place.
 */
export async function refuseLegacyEscapedPath(path: string, times: number, what: string): Promise<void> {
  const legacy = sparkLegacyEscapedPath(path, times);
  if (legacy === path) return;
  const found = await stat(legacy).catch(() => undefined);
  if (!found?.isDirectory()) return;
  throw new SluiceError(
    'CHECKPOINT_MISMATCH',
    `A possible problem with the location of your ${what}: Spark 2.4 and earlier wrote it at an incorrectly escaped path. Correct directory: ${path}. Incorrect directory: ${legacy}. Move the contents of the incorrect directory to the correct one, delete the incorrect one, then restart; nothing was changed.`,
    { details: { path, legacyPath: legacy } },
  );
}
