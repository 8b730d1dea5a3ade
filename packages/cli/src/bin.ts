import { main } from './main.ts';
import { processOutput } from './output.ts';

process.exitCode = await main(process.argv.slice(2), processOutput);
