/**
 * parquet-wasm writer properties from Sluice's write settings. Plain JS because the workers load
 * it untransformed (Node 20 cannot strip types, and vitest does not transform worker threads);
 * the main thread's encoder imports the same function, so a slice encoded on a worker and a table
 * encoded inline get the same properties.
 *
 * @param {typeof import('parquet-wasm')} pw the loaded parquet-wasm module
 * @param {import('./writerProperties.d.ts').WriterSettings} settings
 */
export function writerProperties(pw, settings) {
  let builder = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[settings.compression])
    .setMaxRowGroupSize(settings.rowGroupSize)
    .setMaxRowGroupBytes(settings.rowGroupBytes)
    .setDataPageSizeLimit(settings.pageSize)
    .setDictionaryEnabled(settings.dictionary)
    .setWriterVersion(settings.writerVersion === 'v2' ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setCreatedBy(settings.createdBy);
  // The wasm builder is consumed by each call and returns its successor.
  for (const column of settings.plainColumns) builder = builder.setColumnDictionaryEnabled(column, false);
  return builder.build();
}
