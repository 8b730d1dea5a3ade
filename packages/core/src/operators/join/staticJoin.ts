import type { Table } from 'apache-arrow';
import type { OperatorContext } from '../../builders/plan.ts';
import { rowValues } from '../../expressions/kernels/rows.ts';
import { RowCodec } from '../../state/codec/rowCodec.ts';
import { toLatin1 } from '../../state/latin1.ts';
import { Schema } from 'apache-arrow';
import type { BoundJoin } from './joinSpec.ts';
import { batchRows, outputTable, rowsBatch, truthMask, type JoinedRow, type Row } from './rows.ts';
import type { StaticSide } from './staticSide.ts';

interface Loaded {
  readonly version: string | number | undefined;
  readonly byKey: Map<string, Row[]>;
}

/**
 * A stream–static join: the static side is read once (and again when its version changes) into
 * a hash table of its rows by join key; each micro-batch's rows probe it. Nothing is kept in the
 * state store: the output of a batch depends only on its rows and the static rows.
 */
export class StaticJoin {
  private loaded: Loaded | null = null;
  private loading: Promise<Loaded> | null = null;
  private readonly keyCodec: RowCodec;

  constructor(
    private readonly join: BoundJoin,
    private readonly side: StaticSide,
  ) {
    this.keyCodec = new RowCodec(new Schema(join.keyFields as never), 'ordered', 'join key');
  }

  /** The static rows by key, re-read when the side's version moved. */
  private async current(context: OperatorContext): Promise<Loaded> {
    const version = this.side.version ? await this.side.version() : undefined;
    if (this.loaded && this.loaded.version === version) return this.loaded;
    this.loading ??= this.load(version, context).finally(() => (this.loading = null));
    this.loaded = await this.loading;
    return this.loaded;
  }

  private async load(version: string | number | undefined, context: OperatorContext): Promise<Loaded> {
    const table = await this.side.load();
    const byKey = new Map<string, Row[]>();
    const bound = this.join.right;
    for (const batch of table.batches) {
      if (batch.numRows === 0) continue;
      const rows = batchRows(batch);
      const pass = bound.preFilter ? truthMask(bound.preFilter, batch, context) : null;
      const keys = bound.keys.map((k) => rowValues(k.evaluate(batch, context)));
      for (let r = 0; r < rows.length; r++) {
        if (pass && !pass[r]) continue;
        const key = keys.map((c) => c[r] ?? null);
        if (key.some((v, k) => v === null && !this.join.nullSafe[k])) continue;
        const id = toLatin1(this.keyCodec.encode(key));
        let list = byKey.get(id);
        if (!list) byKey.set(id, (list = []));
        list.push(rows[r]!);
      }
    }
    return { version, byKey };
  }

  async apply(table: Table, context: OperatorContext): Promise<Table> {
    const { byKey } = await this.current(context);
    const join = this.join;
    const type = join.type;
    const out: JoinedRow[] = [];
    const fullSchema = join.postFilter ? new Schema([...join.left.schema.fields, ...join.right.schema.fields]) : null;
    for (const batch of table.batches) {
      if (batch.numRows === 0) continue;
      const rows = batchRows(batch);
      const pass = join.left.preFilter ? truthMask(join.left.preFilter, batch, context) : null;
      const keys = join.left.keys.map((k) => rowValues(k.evaluate(batch, context)));
      const candidates: [number, Row][] = [];
      const probe: (Row[] | undefined)[] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        if (pass && !pass[r]) continue;
        const key = keys.map((c) => c[r] ?? null);
        if (key.some((v, k) => v === null && !join.nullSafe[k])) continue;
        probe[r] = byKey.get(toLatin1(this.keyCodec.encode(key)));
        for (const s of probe[r] ?? []) candidates.push([r, s]);
      }
      const ok = fullSchema && candidates.length > 0 ? truthMask(join.postFilter!, rowsBatch(fullSchema, candidates.map(([r, s]) => [...rows[r]!, ...s])), context) : null;
      let c = 0;
      for (let r = 0; r < rows.length; r++) {
        let matched = false;
        while (c < candidates.length && candidates[c]![0] === r) {
          if (ok === null || ok[c] === 1) {
            matched = true;
            if (type === 'inner' || type === 'left_outer') out.push([rows[r]!, candidates[c]![1]]);
          }
          c++;
        }
        if (type === 'left_semi' ? matched : type === 'left_anti' || type === 'left_outer' ? !matched : false) out.push([rows[r]!, null]);
      }
    }
    return outputTable(join.schema, join.output, out);
  }
}
