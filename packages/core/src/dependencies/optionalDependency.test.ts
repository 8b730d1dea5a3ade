import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { requireOptional, resolveOptional } from './optionalDependency.ts';

const require = createRequire(import.meta.url);
const absent = { name: 'sluice-no-such-package-for-tests', range: '^1.0.0', usedBy: 'The test connector' };

describe('optional dependencies', () => {
  it('load an installed package', () => {
    expect(requireOptional<{ Observable: unknown }>(require, { name: 'rxjs', range: '^7.8.0', usedBy: 'x' }).Observable).toBeTypeOf('function');
    expect(resolveOptional(require, { name: 'rxjs', range: '^7.8.0', usedBy: 'x' })).toMatch(/rxjs/);
  });

  it('name the package to install when it is absent', () => {
    for (const load of [() => requireOptional(require, absent), () => resolveOptional(require, absent)]) {
      let error: unknown;
      try {
        load();
      } catch (e) {
        error = e;
      }
      expect(isSluiceError(error, 'MISSING_DEPENDENCY')).toBe(true);
      expect((error as Error).message).toBe(
        "[MISSING_DEPENDENCY] The test connector needs the npm package 'sluice-no-such-package-for-tests', which is not installed. Add it to your project: npm install sluice-no-such-package-for-tests@'^1.0.0'",
      );
    }
  });

  it('keep the error of a package that is present but fails to load', () => {
    const failing = ((name: string) => {
      throw Object.assign(new Error(`Cannot find module './missing-inner-file' imported from '${name}'s entry`), { code: 'ERR_SOMETHING_ELSE' });
    }) as unknown as NodeJS.Require;
    expect(() => requireOptional(failing, absent)).toThrow(/missing-inner-file/);
  });
});
