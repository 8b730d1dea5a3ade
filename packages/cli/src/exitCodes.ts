/** Exit codes of the `sluice` command (listed in `sluice --help` and the README). */
export const EXIT = { ok: 0, queryFailed: 1, usage: 2, invalidJob: 3, deadlineExceeded: 4 } as const;
