import type { Attributes, BatchObservableCallback, MeterProvider, Observable } from '@opentelemetry/api';
import type { QueryManager } from '@sluice/core';
import { QueryTracker } from '../model/queryTracker.ts';
import { BATCH_DURATION_BUCKETS, collectSamples, FAMILIES, queryLabels } from './samples.ts';

export interface OpenTelemetryMetrics {
  /** Stop reporting (the instruments stay registered with the meter, silent). */
  close(): void;
}

/**
 * Report every query's metrics through the application's OpenTelemetry `MeterProvider` (whatever
 * exporter it has: OTLP, Prometheus, console). The same families as the Prometheus endpoint,
 * named `sluice.query.*` / `sluice.source.*` with UCUM units; gauges and counters are observed at
 * each collection from the latest progress, batch durations are recorded as a histogram.
 *
 * @example
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 * const provider = new MeterProvider({ readers: [reader] });
 * const otel = openTelemetryMetrics(manager, provider);
 */
export function openTelemetryMetrics(source: QueryManager | QueryTracker, meterProvider: MeterProvider): OpenTelemetryMetrics {
  const tracker = source instanceof QueryTracker ? source : new QueryTracker(source);
  const ownTracker = tracker !== source;
  const meter = meterProvider.getMeter('@sluice/ui');
  const instruments = new Map<string, Observable<Attributes>>();
  for (const family of FAMILIES) {
    const options = { description: family.help, unit: family.unit };
    const name = `sluice.${family.otel}`;
    instruments.set(family.name, family.kind === 'gauge' ? meter.createObservableGauge(name, options) : meter.createObservableCounter(name, options));
  }
  const callback: BatchObservableCallback<Attributes> = (result) => {
    for (const [name, samples] of collectSamples(tracker.list())) {
      const instrument = instruments.get(name)!;
      for (const sample of samples) result.observe(instrument, sample.value, sample.labels);
    }
  };
  meter.addBatchObservableCallback(callback, [...instruments.values()]);
  const batchDuration = meter.createHistogram('sluice.query.batch.duration', {
    description: 'Duration of each batch (batchDuration), from its progress events.',
    unit: 's',
    advice: { explicitBucketBoundaries: BATCH_DURATION_BUCKETS },
  });
  const observed = tracker.events$.subscribe((event) => {
    if (event.type === 'progress' && !event.idle) batchDuration.record(event.progress.batchDuration / 1000, queryLabels(event.record));
  });
  return {
    close: () => {
      observed.unsubscribe();
      meter.removeBatchObservableCallback(callback, [...instruments.values()]);
      if (ownTracker) tracker.close();
    },
  };
}
