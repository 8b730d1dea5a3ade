import { aggregateFunctions } from './aggregate/aggregates.ts';
import * as arrays from './collection/arrayFunctions.ts';
import * as constructors from './collection/constructors.ts';
import * as higherOrder from './collection/higherOrder.ts';
import * as explode from './generator/explode.ts';
import * as conditional from './conditional/conditional.ts';
import * as calendar from './datetime/calendar.ts';
import * as current from './datetime/current.ts';
import * as datetimeFields from './datetime/fields.ts';
import * as formatting from './datetime/formatting.ts';
import * as timeWindow from './datetime/window.ts';
import * as getJsonObject from './json/getJsonObject.ts';
import * as jsonFunctions from './json/jsonFunctions.ts';
import * as math from './math/math.ts';
import * as sparkHash from './hash/sparkHash.ts';
import * as random from './misc/random.ts';
import * as typeOf from './misc/typeOf.ts';
import * as like from './regexp/like.ts';
import * as regexp from './regexp/regexpFunctions.ts';
import * as caseAndLength from './string/caseAndLength.ts';
import * as concat from './string/concat.ts';
import * as edit from './string/edit.ts';
import * as encoding from './string/encoding.ts';
import * as formatString from './string/formatString.ts';
import * as search from './string/search.ts';
import * as substring from './string/substring.ts';
import * as textUtilities from './string/textUtilities.ts';
import * as trimAndPad from './string/trimAndPad.ts';
import type { FunctionDefinition } from './registry.ts';

/** The definitions a family module exports (every export whose name ends in `Function…`). */
function definitionsOf(module: Record<string, unknown>): FunctionDefinition[] {
  return Object.entries(module)
    .filter(([name, value]) => /Function(Definition)?$/.test(name) && typeof value === 'object' && value !== null && 'doc' in value)
    .map(([, value]) => value as FunctionDefinition);
}

/**
 * The built-in function library, one family per module: the one table the registry is filled
 * from. A family module exports one `…Function` definition per function (or small family).
 */
export const BUILTIN_FUNCTIONS: readonly FunctionDefinition[] = [
  ...definitionsOf(conditional),
  ...definitionsOf(caseAndLength),
  ...definitionsOf(concat),
  ...definitionsOf(substring),
  ...definitionsOf(trimAndPad),
  ...definitionsOf(search),
  ...definitionsOf(edit),
  ...definitionsOf(encoding),
  ...definitionsOf(formatString),
  ...definitionsOf(textUtilities),
  ...definitionsOf(regexp),
  ...definitionsOf(like),
  ...definitionsOf(math),
  ...definitionsOf(current),
  ...definitionsOf(datetimeFields),
  ...definitionsOf(formatting),
  ...definitionsOf(calendar),
  ...definitionsOf(timeWindow),
  ...definitionsOf(constructors),
  ...definitionsOf(arrays),
  ...definitionsOf(higherOrder),
  ...definitionsOf(explode),
  ...definitionsOf(typeOf),
  ...definitionsOf(random),
  ...definitionsOf(getJsonObject),
  ...definitionsOf(jsonFunctions),
  ...definitionsOf(sparkHash),
  ...aggregateFunctions,
];
