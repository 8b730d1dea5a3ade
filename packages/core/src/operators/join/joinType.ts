import { SluiceError } from '../../errors.ts';

/** How a join keeps rows without a match (Spark's join types). */
export type JoinType = 'inner' | 'left_outer' | 'right_outer' | 'full_outer' | 'left_semi' | 'left_anti';

/** The names `join(…, how)` takes, Spark's spellings included. */
export type JoinHow =
  | JoinType
  | 'left' | 'leftouter' | 'right' | 'rightouter' | 'full' | 'outer' | 'fullouter' | 'semi' | 'leftsemi' | 'anti' | 'leftanti';

const NAMES: Readonly<Record<string, JoinType>> = {
  inner: 'inner',
  left: 'left_outer', leftouter: 'left_outer', left_outer: 'left_outer',
  right: 'right_outer', rightouter: 'right_outer', right_outer: 'right_outer',
  full: 'full_outer', outer: 'full_outer', fullouter: 'full_outer', full_outer: 'full_outer',
  semi: 'left_semi', leftsemi: 'left_semi', left_semi: 'left_semi',
  anti: 'left_anti', leftanti: 'left_anti', left_anti: 'left_anti',
};

/** Spark's name of a join type in messages (`LeftOuter`). */
export const SPARK_JOIN_NAME: Readonly<Record<JoinType, string>> = {
  inner: 'Inner', left_outer: 'LeftOuter', right_outer: 'RightOuter', full_outer: 'FullOuter', left_semi: 'LeftSemi', left_anti: 'LeftAnti',
};

/** Parse a join type as Spark does (case-insensitive, underscores optional). */
export function parseJoinType(how: string): JoinType {
  const type = NAMES[how.toLowerCase()] ?? NAMES[how.toLowerCase().replace(/_/g, '')];
  if (!type) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Unsupported join type '${how}'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti'.`,
    );
  }
  return type;
}
