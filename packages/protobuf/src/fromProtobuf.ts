import { Binary } from 'apache-arrow';
import { constantArg, lit, registerFunction, rowFunction, SluiceError, toDataType, type CallContext, type Column, type ColumnLike, type ScalarFunctionDefinition } from '@sluice/core';
import { loadMessageType, type ProtobufDescriptor } from './descriptors.ts';
import { sparkTypeOfMessage } from './sparkType.ts';
import { messageToRow, rowToMessage, type ProtobufValueOptions } from './values.ts';

export interface FromProtobufOptions extends ProtobufValueOptions {
  /** FAILFAST (default): a malformed message fails the query; PERMISSIVE: it reads as null. */
  readonly mode?: 'FAILFAST' | 'PERMISSIVE';
}

/**
 * Spark's `from_protobuf` (3.4+): a binary column of serialized `messageName` messages → a struct
 * column of Spark's type for the message (`sparkTypeOfMessage`). Definitions come from a
 * descriptor set file (`protoc --descriptor_set_out=… --include_imports`), its bytes, or `.proto`
 * sources (see `ProtobufDescriptor`). Options are Spark's: `mode`, `recursive.fields.max.depth`,
 * `emit.default.values`, `enums.as.ints`, `upcast.unsigned.ints`. Also in SQL:
 * `from_protobuf(value, 'shop.Order', '/path/orders.desc', map('mode', 'PERMISSIVE'))`.
 *
 * @example frame.pipe(select(fromProtobuf('value', 'shop.Order', './orders.desc').alias('order')))
 */
export function fromProtobuf(column: ColumnLike | Column, messageName: string, descriptor: ProtobufDescriptor, options: FromProtobufOptions = {}): Column {
  const [path, extra] = descriptorArgs(descriptor);
  return protobufFunctions().fromProtobuf(column, lit(messageName), lit(path), lit(JSON.stringify({ ...options, ...extra })));
}

/**
 * Spark's `to_protobuf`: a struct column (fields named as the message's) → serialized
 * `messageName` messages. Null fields are left unset; a null struct is a null value.
 *
 * @example frame.pipe(select(toProtobuf('order', 'shop.Order', { protoSource }).alias('value')))
 */
export function toProtobuf(column: ColumnLike | Column, messageName: string, descriptor: ProtobufDescriptor, options: ProtobufValueOptions = {}): Column {
  const [path, extra] = descriptorArgs(descriptor);
  return protobufFunctions().toProtobuf(column, lit(messageName), lit(path), lit(JSON.stringify({ ...options, ...extra })));
}

/** The descriptor as SQL arguments: a path, or (from the Column API) the source or set bytes in the options. */
function descriptorArgs(descriptor: ProtobufDescriptor): [string | null, Record<string, string>] {
  if (typeof descriptor === 'string') return [descriptor, {}];
  if ('descFilePath' in descriptor) return [descriptor.descFilePath, {}];
  if ('protoFile' in descriptor) return [descriptor.protoFile, {}];
  if ('protoSource' in descriptor) return [null, { protoSource: descriptor.protoSource }];
  return [null, { binaryDescriptorSet: Buffer.from(descriptor.binaryDescriptorSet).toString('base64') }];
}

function bindArgs(call: CallContext): { messageName: string; descriptor: ProtobufDescriptor; options: FromProtobufOptions } {
  const messageName = String(constantArg(call, 1, 'the message name'));
  const third = call.args.length > 2 ? constantArg(call, 2, 'the descriptor file path') : null;
  let options: Record<string, unknown> = {};
  if (call.args.length > 3) {
    const value = constantArg(call, 3, 'the options');
    options = value instanceof Map ? Object.fromEntries(value) : typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : {};
  }
  const flag = (k: string) => (options[k] === undefined ? undefined : String(options[k]) === 'true');
  const depth = options['recursive.fields.max.depth'];
  const parsed: FromProtobufOptions = {
    ...(options['mode'] ? { mode: String(options['mode']) as 'FAILFAST' } : {}),
    ...(depth !== undefined ? { 'recursive.fields.max.depth': Number(depth) } : {}),
    ...(flag('emit.default.values') !== undefined ? { 'emit.default.values': flag('emit.default.values')! } : {}),
    ...(flag('enums.as.ints') !== undefined ? { 'enums.as.ints': flag('enums.as.ints')! } : {}),
    ...(flag('upcast.unsigned.ints') !== undefined ? { 'upcast.unsigned.ints': flag('upcast.unsigned.ints')! } : {}),
  };
  let descriptor: ProtobufDescriptor;
  if (typeof options['protoSource'] === 'string') descriptor = { protoSource: options['protoSource'] };
  else if (typeof options['binaryDescriptorSet'] === 'string') descriptor = { binaryDescriptorSet: Buffer.from(options['binaryDescriptorSet'], 'base64') };
  else if (third instanceof Uint8Array) descriptor = { binaryDescriptorSet: third };
  else if (typeof third === 'string') descriptor = third;
  else return call.fail('give the descriptor file path (a protoc descriptor set or a .proto file)', 2, 'MISSING_OPTION');
  return { messageName, descriptor, options: parsed };
}

/** `from_protobuf(data, messageName, descFilePath[, options])` for the function registry. */
export const fromProtobufFunction: ScalarFunctionDefinition = {
  name: 'from_protobuf',
  family: 'user',
  arity: [3, 4],
  doc: { usage: 'from_protobuf(data, messageName, descFilePath[, options])', description: 'Serialized Protobuf messages to a struct of the message’s Spark type.', examples: [] },
  bind: (call) => {
    const data = call.args[0]!;
    if (!(data.type instanceof Binary)) call.fail(`from_protobuf reads a binary column, not ${String(data.type).toLowerCase()}`, 0, 'TYPE_MISMATCH');
    const { messageName, descriptor, options } = bindArgs(call);
    const mode = (options.mode ?? 'FAILFAST').toUpperCase();
    if (mode !== 'FAILFAST' && mode !== 'PERMISSIVE') {
      throw new SluiceError('INVALID_OPTION', `from_protobuf() doesn't support the ${options.mode} mode. Acceptable modes are PERMISSIVE and FAILFAST.`, { details: { option: 'mode' } });
    }
    const type = loadMessageType(messageName, descriptor);
    const toRow = messageToRow(type, options);
    return rowFunction(call.outputName, toDataType(sparkTypeOfMessage(type, options)), [data], (bytes) => {
      try {
        return toRow(type.decode(bytes as Uint8Array));
      } catch (error) {
        if (mode === 'PERMISSIVE') return null;
        throw new SluiceError(
          'MALFORMED_RECORD',
          `Malformed records are detected in record parsing. Current parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'. (${messageName}: ${(error as Error).message})`,
          { cause: error, details: { function: 'from_protobuf', messageName } },
        );
      }
    });
  },
};

/** `to_protobuf(data, messageName, descFilePath[, options])` for the function registry. */
export const toProtobufFunction: ScalarFunctionDefinition = {
  name: 'to_protobuf',
  family: 'user',
  arity: [3, 4],
  doc: { usage: 'to_protobuf(data, messageName, descFilePath[, options])', description: 'A struct as a serialized Protobuf message.', examples: [] },
  bind: (call) => {
    const { messageName, descriptor, options } = bindArgs(call);
    const type = loadMessageType(messageName, descriptor);
    const toMessage = rowToMessage(type, options);
    return rowFunction(call.outputName, new Binary(), [call.args[0]!], (value) => {
      try {
        return type.encode(type.fromObject(toMessage(value) as Record<string, unknown>)).finish();
      } catch (error) {
        throw new SluiceError('MALFORMED_RECORD', `to_protobuf cannot write ${call.outputName} as ${messageName}: ${(error as Error).message}.`, { cause: error, details: { function: 'to_protobuf', messageName } });
      }
    });
  },
};

type Builder = (...args: readonly (ColumnLike | Column)[]) => Column;
let builders: { fromProtobuf: Builder; toProtobuf: Builder } | undefined;

/**
 * Register `from_protobuf` and `to_protobuf` in core's function registry for SQL strings;
 * `fromProtobuf`/`toProtobuf` do it on first use.
 *
 * @example registerProtobufFunctions(); frame.pipe(selectExpr("from_protobuf(value, 'shop.Order', './orders.desc') AS order"));
 */
export function registerProtobufFunctions(): void {
  protobufFunctions();
}

function protobufFunctions(): { fromProtobuf: Builder; toProtobuf: Builder } {
  builders ??= { fromProtobuf: registerFunction(fromProtobufFunction) as Builder, toProtobuf: registerFunction(toProtobufFunction) as Builder };
  return builders;
}
