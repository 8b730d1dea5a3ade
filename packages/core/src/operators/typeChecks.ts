import { Type, type DataType, type Int64 } from 'apache-arrow';

/** Integer or floating point. */
export const isNumeric = (t: DataType): boolean => t.typeId === Type.Int || t.typeId === Type.Float;
/** Any integer width. */
export const isIntegral = (t: DataType): boolean => t.typeId === Type.Int;
/** A 64-bit integer (values are bigints). */
export const isInt64 = (t: DataType): boolean => t.typeId === Type.Int && (t as Int64).bitWidth === 64;
