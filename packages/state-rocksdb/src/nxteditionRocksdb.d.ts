/** The part of @nxtedition/rocksdb (an abstract-level store; the package ships no types) this provider uses. */
declare module '@nxtedition/rocksdb' {
  export interface RocksLevelOptions {
    readonly keyEncoding?: 'buffer';
    readonly valueEncoding?: 'buffer';
  }
  export interface OpenOptions {
    readonly createIfMissing?: boolean;
    readonly cacheSize?: number;
    readonly filterPolicy?: string;
    readonly compression?: boolean;
    readonly infoLogLevel?: string;
    readonly walCompression?: boolean;
    readonly compaction?: 'level' | 'universal';
    readonly memtableMemoryBudget?: number;
  }
  export interface ChainedBatch {
    put(key: Uint8Array, value: Uint8Array): this;
    del(key: Uint8Array): this;
    write(options?: { readonly sync?: boolean }): Promise<void>;
  }
  export interface Iterator {
    nextv(size: number): Promise<[Buffer, Buffer][]>;
    close(): Promise<void>;
  }
  export class RocksLevel {
    constructor(location: string, options?: RocksLevelOptions);
    readonly status: string;
    open(options?: OpenOptions): Promise<void>;
    close(): Promise<void>;
    getMany(keys: readonly Uint8Array[]): Promise<(Buffer | undefined)[]>;
    /** MultiGet on the calling thread (the binding's own synchronous read; keys must be Buffers). */
    _getManySync(keys: readonly Uint8Array[], options: object): (Buffer | undefined)[];
    batch(): ChainedBatch;
    iterator(options: { readonly gte?: Uint8Array; readonly lt?: Uint8Array; readonly keys?: boolean; readonly values?: boolean }): Iterator;
    getProperty(property: string): string;
  }
}
