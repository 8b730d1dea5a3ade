import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { defineOptions } from './defineOptions.ts';
import { opt } from './optionTypes.ts';
import { parseByteSize, parseDuration } from './units.ts';

const spec = defineOptions('demo', {
  rowsPerSecond: opt.positiveInt().default(1),
  rampUpTime: opt.duration('s').default(0),
  mode: opt.oneOf(['PERMISSIVE', 'FAILFAST'] as const).default('PERMISSIVE'),
  password: opt.string().secret(),
  topics: opt.stringList(),
  required: opt.string().required(),
}, { passthroughPrefixes: ['kafka.'] });

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('defineOptions', () => {
  it('coerces Spark-style strings, applies defaults and matches keys case-insensitively', () => {
    const { options, passthrough } = spec.parse({ ROWSPERSECOND: '10', rampUpTime: '5s', mode: 'failfast', topics: 'a, b', required: 'x', 'kafka.client.id': 'c' });
    expect(options).toEqual({ rowsPerSecond: 10, rampUpTime: 5000, mode: 'FAILFAST', topics: ['a', 'b'], required: 'x' });
    expect(passthrough).toEqual({ 'client.id': 'c' });
    expect(spec.parse({ required: 'x' }).options.rowsPerSecond).toBe(1);
  });

  it('names a misspelled option, suggests the right one and lists the valid ones', () => {
    const error = errorOf(() => spec.parse({ rowsPerSecnd: 5, required: 'x' }));
    expect(isSluiceError(error, 'UNKNOWN_OPTION')).toBe(true);
    expect((error as Error).message).toContain("Unknown option 'rowsPerSecnd' for format 'demo'. Did you mean 'rowsPerSecond'?");
    expect((error as Error).message).toContain('Valid options: rowsPerSecond, rampUpTime, mode, password, topics, required');
  });

  it('rejects a mistyped value naming the option and what it expects', () => {
    const error = errorOf(() => spec.parse({ rowsPerSecond: '-3', required: 'x' }));
    expect(isSluiceError(error, 'INVALID_OPTION')).toBe(true);
    expect((error as Error).message).toBe(`[INVALID_OPTION] Option 'rowsPerSecond' of format 'demo' must be a positive integer, got "-3".`);
  });

  it('reports a missing required option', () => {
    const error = errorOf(() => spec.parse({}));
    expect(isSluiceError(error, 'MISSING_OPTION')).toBe(true);
    expect((error as Error).message).toContain("requires option 'required'");
  });

  it('never echoes a secret, even when it is the bad value', () => {
    const error = errorOf(() => spec.parse({ password: 42, required: 'x' }));
    expect((error as Error).message).not.toContain('42');
    spec.parse({ password: 'hunter2-secret', required: 'x' });
    const later = errorOf(() => spec.parse({ required: 'x', mode: 'hunter2-secret' }));
    expect((later as Error).message).not.toContain('hunter2-secret');
  });
});

describe('units', () => {
  it('parses Spark time strings', () => {
    expect(parseDuration('10 seconds')).toBe(10_000);
    expect(parseDuration('interval 2 minutes')).toBe(120_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(3, 's')).toBe(3000);
    expect(parseDuration('3', 's')).toBe(3000);
    expect(parseDuration('ten seconds')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });

  it('parses byte sizes in binary units', () => {
    expect(parseByteSize('10g')).toBe(10 * 1024 ** 3);
    expect(parseByteSize('64mb')).toBe(64 * 1024 ** 2);
    expect(parseByteSize(1024)).toBe(1024);
    expect(parseByteSize('lots')).toBeUndefined();
  });
});
