import { REDACTED, redactOptions } from '@sluice/core/connector';

/** `kafka.*` keys whose values are credentials whatever their shape (TLS keys, SASL objects, JAAS lines). */
const SECRET_SETTINGS = /^kafka\.(ssl|sasl|sasl\..*|ssl\.key\.password|ssl\.keystore.*)$/i;

/**
 * Options as shown in `explain()` and progress: core's redaction plus the Kafka settings that
 * carry credentials in objects (`kafka.ssl: { key, cert }`) which a key-name rule cannot see.
 */
export function displayKafkaOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const shown = redactOptions(options);
  for (const key of Object.keys(shown)) if (SECRET_SETTINGS.test(key) && shown[key] !== undefined) shown[key] = REDACTED;
  return shown;
}
