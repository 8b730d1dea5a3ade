import { SluiceError } from '@sluice/core';

/** Confluent's subject name strategies, by their Java class names or short names. */
export type SubjectNameStrategy = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

/**
 * The subject a schema is registered under, as Confluent's serializers name it:
 * TopicNameStrategy (the default) `<topic>-key` / `<topic>-value`; RecordNameStrategy the
 * record's full name; TopicRecordNameStrategy `<topic>-<record full name>`.
 *
 * @example subjectName('TopicNameStrategy', { topic: 'orders', isKey: false }) // 'orders-value'
 */
export function subjectName(strategy: string, args: { readonly topic?: string; readonly isKey?: boolean; readonly recordName?: string }): string {
  const short = strategy.slice(strategy.lastIndexOf('.') + 1) as SubjectNameStrategy;
  const need = (what: 'topic' | 'recordName'): string => {
    const value = args[what];
    if (!value) throw new SluiceError('MISSING_OPTION', `The ${short} subject name strategy needs the ${what === 'topic' ? "'topic'" : "record's full name (a named record schema)"}.`);
    return value;
  };
  switch (short) {
    case 'TopicNameStrategy':
      return `${need('topic')}-${args.isKey ? 'key' : 'value'}`;
    case 'RecordNameStrategy':
      return need('recordName');
    case 'TopicRecordNameStrategy':
      return `${need('topic')}-${need('recordName')}`;
    default:
      throw new SluiceError('INVALID_OPTION', `Unknown subject name strategy '${strategy}': use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy.`, { details: { option: 'subject.name.strategy' } });
  }
}
