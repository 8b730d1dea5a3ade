import { SluiceError, udf, type Column, type ColumnLike } from '@sluice/core';
import { columnReader } from './columnInput.ts';
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
 * `emit.default.values`, `enums.as.ints`, `upcast.unsigned.ints`.
 *
 * @example frame.pipe(select(fromProtobuf('value', 'shop.Order', './orders.desc').alias('order')))
 */
export function fromProtobuf(column: ColumnLike | Column, messageName: string, descriptor: ProtobufDescriptor, options: FromProtobufOptions = {}): Column {
  const input = columnReader(column, 'fromProtobuf');
  const mode = (options.mode ?? 'FAILFAST').toUpperCase();
  if (mode !== 'FAILFAST' && mode !== 'PERMISSIVE') {
    throw new SluiceError('INVALID_OPTION', `from_protobuf() doesn't support the ${options.mode} mode. Acceptable modes are PERMISSIVE and FAILFAST.`, { details: { option: 'mode' } });
  }
  const type = loadMessageType(messageName, descriptor);
  const ddl = sparkTypeOfMessage(type, options);
  const toRow = messageToRow(type, options);
  return udf(
    (row) => {
      const bytes = input.read(row);
      if (bytes == null) return null;
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
    },
    ddl,
    `from_protobuf(${input.name})`,
  );
}

/**
 * Spark's `to_protobuf`: a struct column (fields named as the message's) → serialized
 * `messageName` messages. Null fields are left unset; a null struct is a null value.
 *
 * @example frame.pipe(select(toProtobuf('order', 'shop.Order', { protoSource }).alias('value')))
 */
export function toProtobuf(column: ColumnLike | Column, messageName: string, descriptor: ProtobufDescriptor, options: ProtobufValueOptions = {}): Column {
  const input = columnReader(column, 'toProtobuf');
  const type = loadMessageType(messageName, descriptor);
  const toMessage = rowToMessage(type, options);
  return udf(
    (row) => {
      const value = input.read(row);
      if (value == null) return null;
      try {
        return type.encode(type.fromObject(toMessage(value) as Record<string, unknown>)).finish();
      } catch (error) {
        throw new SluiceError('MALFORMED_RECORD', `to_protobuf cannot write '${input.name}' as ${messageName}: ${(error as Error).message}.`, { cause: error, details: { function: 'to_protobuf', messageName } });
      }
    },
    'binary',
    `to_protobuf(${input.name})`,
  );
}
