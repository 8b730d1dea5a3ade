/* The command line, callable from code */
export { main } from './main.ts';
export { processOutput } from './output.ts';
export type { Output } from './output.ts';
export { EXIT } from './exitCodes.ts';

/* Job files */
export { defineJob } from './job/job.ts';
export type { JobDefinition, JobEntry, JobExport, JobQuery } from './job/job.ts';
export { loadJob } from './job/loadJob.ts';

/* Logs and checkpoints */
export { jsonLogger } from './logging/jsonLogger.ts';
export type { JsonLoggerOptions } from './logging/jsonLogger.ts';
export { stateReport } from './commands/checkpoint.ts';
export type { OperatorStateReport } from './commands/checkpoint.ts';
