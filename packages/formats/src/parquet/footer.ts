/**
 * Just enough of the Parquet footer (Thrift compact protocol) to check a file before handing it
 * to the wasm reader and to name row groups in errors: the magic bytes, the footer length, the
 * row count and each row group's row count. A file that fails here never reaches parquet-rs,
 * whose panics on some malformed footers are harder to report.
 */
export interface ParquetFooter {
  readonly numRows: number;
  readonly rowGroupRows: readonly number[];
}

/** "PAR1", at both ends of every Parquet file. */
export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/** The footer facts, or an Error saying what is wrong with the file's frame. */
export function readFooter(bytes: Uint8Array): ParquetFooter {
  if (bytes.length < 12) throw new Error(`it is ${bytes.length} bytes long, too short for a Parquet file (truncated?)`);
  for (let k = 0; k < 4; k++) {
    if (bytes[k] !== PARQUET_MAGIC[k]) throw new Error('it does not start with the Parquet magic bytes PAR1 (not a Parquet file?)');
    if (bytes[bytes.length - 4 + k] !== PARQUET_MAGIC[k]) throw new Error('it does not end with the Parquet magic bytes PAR1 (truncated or still being written?)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getUint32(bytes.length - 8, true);
  if (footerLength > bytes.length - 12) throw new Error(`its footer length ${footerLength} exceeds the file (truncated?)`);
  const reader = new CompactReader(bytes.subarray(bytes.length - 8 - footerLength, bytes.length - 8));
  let numRows = -1;
  const rowGroupRows: number[] = [];
  reader.readStruct((id, type) => {
    if (id === 3 && type === I64) numRows = Number(reader.readVarLong());
    else if (id === 4 && type === LIST) {
      const { size } = reader.readListHeader();
      for (let g = 0; g < size; g++) {
        let rows = -1;
        reader.readStruct((gid, gtype) => {
          if (gid === 3 && gtype === I64) rows = Number(reader.readVarLong());
          else reader.skip(gtype);
        });
        rowGroupRows.push(rows);
      }
    } else reader.skip(type);
  });
  if (numRows < 0) throw new Error('its footer has no row count (corrupt footer)');
  return { numRows, rowGroupRows };
}

export const TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12;

/** A reader of Thrift's compact protocol: structs field by field, anything skippable. */
export class CompactReader {
  position = 0;
  private depth = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** Calls `onField` for each field (which must consume its value); `headerAt` is where the field's header byte is. */
  readStruct(onField: (id: number, type: number, headerAt: number) => void): void {
    if (++this.depth > 64) throw new Error('its footer nests too deep (corrupt footer)');
    let lastId = 0;
    for (;;) {
      const headerAt = this.position;
      const header = this.byte();
      if (header === 0) break;
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? Number(this.readVarLong()) : lastId + delta;
      lastId = id;
      onField(id, type, headerAt);
    }
    this.depth--;
  }

  readListHeader(): { size: number; type: number } {
    const header = this.byte();
    const size = header >> 4 === 15 ? this.readUnsigned() : header >> 4;
    if (size > this.bytes.length) throw new Error('its footer has an impossible list size (corrupt footer)');
    return { size, type: header & 0x0f };
  }

  readVarLong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 70n) throw new Error('its footer has a malformed integer (corrupt footer)');
    }
    // zigzag
    return (result >> 1n) ^ -(result & 1n);
  }

  skip(type: number): void {
    switch (type) {
      case TRUE:
      case FALSE:
        return;
      case BYTE:
        this.byte();
        return;
      case I16:
      case I32:
      case I64:
        this.readVarLong();
        return;
      case DOUBLE:
        this.advance(8);
        return;
      case BINARY: {
        const length = Number(this.readUnsigned());
        this.advance(length);
        return;
      }
      case LIST:
      case SET: {
        const { size, type: element } = this.readListHeader();
        for (let k = 0; k < size; k++) this.skipElement(element);
        return;
      }
      case MAP: {
        const size = Number(this.readUnsigned());
        if (size === 0) return;
        const kinds = this.byte();
        for (let k = 0; k < size; k++) {
          this.skipElement(kinds >> 4);
          this.skipElement(kinds & 0x0f);
        }
        return;
      }
      case STRUCT:
        this.readStruct((_id, t) => this.skip(t));
        return;
      default:
        throw new Error(`its footer has an unknown field type ${type} (corrupt footer)`);
    }
  }

  /** In lists, booleans are a byte each. */
  private skipElement(type: number): void {
    if (type === TRUE || type === FALSE) this.byte();
    else this.skip(type);
  }

  readBinary(): Uint8Array {
    const length = this.readUnsigned();
    this.advance(length);
    return this.bytes.subarray(this.position - length, this.position);
  }

  readUnsigned(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) return result;
      multiplier *= 128;
      if (multiplier > 2 ** 49) throw new Error('its footer has a malformed length (corrupt footer)');
    }
  }

  byte(): number {
    if (this.position >= this.bytes.length) throw new Error('its footer ends early (corrupt footer)');
    return this.bytes[this.position++]!;
  }

  private advance(n: number): void {
    if (this.position + n > this.bytes.length) throw new Error('its footer ends early (corrupt footer)');
    this.position += n;
  }
}
