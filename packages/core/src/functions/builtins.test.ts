import { describe, expect, it } from 'vitest';
import { evaluateValue } from '../testing/evaluateExpression.ts';
import { BUILTIN_FUNCTIONS } from './builtins.ts';
import { listFunctions } from './registry.ts';

describe('the built-in function table', () => {
  it('registers every definition under its name and aliases, each with usage and description', () => {
    const names = new Set(listFunctions().map((f) => f.name));
    for (const definition of BUILTIN_FUNCTIONS) {
      for (const name of [definition.name, ...(definition.aliases ?? [])]) expect(names, name).toContain(name);
      expect(definition.doc.usage.length, definition.name).toBeGreaterThan(0);
      expect(definition.doc.description.length, definition.name).toBeGreaterThan(0);
    }
  });

  it('has no two definitions claiming one name', () => {
    const seen = new Map<string, string>();
    for (const definition of BUILTIN_FUNCTIONS) {
      for (const name of [definition.name, ...(definition.aliases ?? [])]) {
        expect(seen.get(name), `${name} is defined twice`).toBeUndefined();
        seen.set(name, definition.name);
      }
    }
  });

  // Documentation examples are Spark's answers; they run as tests.
  for (const definition of BUILTIN_FUNCTIONS) {
    for (const example of definition.doc.examples) {
      it(`${definition.name}: ${example.sql}`, () => {
        expect(evaluateValue(example.sql)).toEqual(example.result);
      });
    }
  }
});
