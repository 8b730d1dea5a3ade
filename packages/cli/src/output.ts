/** Where a command writes: results to stdout, messages to stderr (so piping a result stays clean). */
export interface Output {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** The process's own stdout and stderr, as `sluice` writes to them: `main(process.argv.slice(2), processOutput)`. */
export const processOutput: Output = {
  stdout: (line) => void process.stdout.write(`${line}\n`),
  stderr: (line) => void process.stderr.write(`${line}\n`),
};
