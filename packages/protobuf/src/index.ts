/**
 * @sluice/protobuf: Spark's `from_protobuf` / `to_protobuf` (3.4+) as column functions, on protobufjs.
 */
export { fromProtobuf, fromProtobufFunction, registerProtobufFunctions, toProtobuf, toProtobufFunction } from './fromProtobuf.ts';
export type { FromProtobufOptions } from './fromProtobuf.ts';
export { loadMessageType } from './descriptors.ts';
export type { ProtobufDescriptor } from './descriptors.ts';
export { sparkTypeOfMessage } from './sparkType.ts';
export type { ProtobufTypeOptions } from './sparkType.ts';
export type { ProtobufValueOptions } from './values.ts';
