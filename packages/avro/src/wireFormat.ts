import { SluiceError } from '@sluice/core';

const MAGIC = 0;

/**
 * Confluent's wire format: a zero "magic" byte, the schema's registry id (4 bytes, big-endian),
 * then the encoded record. Shared by Avro and Protobuf (whose payload starts with message indexes).
 *
 * @example
 * const { schemaId, payload } = decodeWireFormat(message.value); // the Avro binary of schema `schemaId`
 */
export function decodeWireFormat(bytes: Buffer): { schemaId: number; payload: Buffer } {
  if (bytes.length < 5 || bytes[0] !== MAGIC) {
    throw new Error(`not in the Confluent wire format (it starts with a zero byte and a 4-byte schema id; got ${bytes.length < 1 ? 'no bytes' : `byte ${bytes[0]} first`})`);
  }
  return { schemaId: bytes.readInt32BE(1), payload: bytes.subarray(5) };
}

/**
 * The Confluent wire format of `payload` written with schema `schemaId`.
 *
 * @example
 * const value = encodeWireFormat(7, avroBinary); // 0x00, 0x00000007, then the record
 */
export function encodeWireFormat(schemaId: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0) throw new SluiceError('INVALID_OPTION', `A schema id is a non-negative integer, got ${schemaId}.`);
  const out = new Uint8Array(5 + payload.length);
  new DataView(out.buffer).setInt32(1, schemaId);
  out.set(payload, 5);
  return out;
}
