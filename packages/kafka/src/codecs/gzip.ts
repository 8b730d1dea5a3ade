import { gunzipSync, gzipSync } from 'node:zlib';
import type { KafkaCodec } from './codec.ts';

/** gzip, as every Kafka client writes it: one gzip stream (node:zlib also reads concatenated members). */
export const gzipCodec: KafkaCodec = {
  compress: (data) => gzipSync(data),
  decompress: (data) => gunzipSync(data),
};
