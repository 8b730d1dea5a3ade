/** `sluice --help`: what each command does, its options, and the exit codes. */
export const HELP = `Usage: sluice <command> [options]

Run Sluice streaming jobs, check them, and look inside their checkpoints.

Commands:
  run <job>                         Run the queries of a job file until they finish or a signal stops them
  validate <job>                    Parse the job, check every option and print each query's plan; start nothing
  checkpoint inspect <dir>          What a checkpoint holds: query id, lock, logged and committed batches, state, problems
  checkpoint state <dir>            The state each stateful operator keeps: store, partitions, batches, size
  checkpoint drop-uncommitted <dir> Give up the batch a restart would re-run (refused while a query holds the checkpoint)
  help [command]                    This help, or a command's

Job files (.json, .yaml, .yml, .js, .mjs, .ts):
  A query as configuration — sourceFormat, sourceOptions, sourceSchema, targetFormat, targetOptions
  (checkpointLocation among them), queryName, trigger, outputMode, partitionBy — or { queries: [...],
  restart: { maxRestarts, backoffMs } }. In JSON and YAML, \${NAME} is read from the environment.
  A .js/.ts module's default export may also be writers built in code (frame.writeStream()…, not started).
  A .ts job needs Node >= 22.18, or tsx installed beside the CLI.

Options of run:
  --ui <port>              Serve the web UI (and /metrics, /health/*) on this port (Spark's is 4040)
  --metrics <port>         Serve only /metrics and /health/live, /health/ready on this port
  --host <address>         Address the UI and metrics listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --stop-deadline <time>   On SIGTERM/SIGINT, how long a batch in flight may take to finish (default 25s)
  --trigger <trigger>      Override every query's trigger: availableNow, once, default, or a duration ("10s")
  --log-format <format>    pretty (a live progress line; the default in a terminal) or json (one object per line)
  --log-level <level>      debug, info (default), warn or error
Options of validate and checkpoint:
  --json                   Print the result as JSON

Signals (run):
  SIGTERM or SIGINT stops every query at its batch boundary: a batch in flight finishes and commits
  within --stop-deadline, or is abandoned before its sink write; checkpoint locks are released; exit 0.
  A second signal exits at once (the batch in flight re-runs on restart).

Exit codes:
  0  every query finished or was stopped cleanly (checkpoint inspect: no problems)
  1  a query failed or could not start (checkpoint inspect: problems found)
  2  bad command line
  3  the job file is missing or invalid
  4  after a signal, the queries did not stop within --stop-deadline plus 5 s
  128+n  a second signal n arrived (130 for SIGINT, 143 for SIGTERM)
`;
