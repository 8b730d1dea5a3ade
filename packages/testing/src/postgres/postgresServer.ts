/**
 * A private PostgreSQL instance for tests: a temp dir, a free port, password authentication.
 * For tests that stop, crash and restart the database, or check credentials, without touching
 * the machine's shared server. Uses the installed server binaries (Debian puts them in
 * /usr/lib/postgresql/<version>/bin; `SLUICE_PG_BINDIR` overrides). initdb refuses to run as
 * root, so as root every server command runs as the `postgres` user through runuser.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private PostgreSQL started by `startPostgresServer`: its port and URL; stop (cleanly or as a crash), start again, destroy. */
export interface PostgresServer {
  readonly port: number;
  readonly password: string;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`, or with other credentials. */
  url(user?: string, password?: string): string;
  /** `fast` = clean shutdown; `immediate` = crash (the server recovers from WAL at next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Where initdb and pg_ctl are, or a reason why none can be used.
 *
 * @example
 * const found = findPostgresBinaries();
 * it.skipIf('reason' in found)('restarts the database mid-batch', async () => { … });
 */
export function findPostgresBinaries(): { bindir: string } | { reason: string } {
  const candidates: string[] = [];
  if (process.env['SLUICE_PG_BINDIR']) candidates.push(process.env['SLUICE_PG_BINDIR']);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // pg_config absent: look in Debian's layout.
  }
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(`/usr/lib/postgresql/${version}/bin`);
  }
  const bindir = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bindir) return { reason: 'no PostgreSQL server binaries (initdb, pg_ctl) found: install postgresql (scripts/setup.d/30-postgres.sh does) or set SLUICE_PG_BINDIR' };
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    return { reason: 'running as root and there is no `postgres` user to run initdb as' };
  }
  return { bindir };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb and start a server (user `postgres`, scram-sha-256 password auth) on 127.0.0.1; stop it
 * with `destroy()`. Takes about a second. Check `findPostgresBinaries()` first to skip cleanly.
 *
 * @example
 * const server = await startPostgresServer();
 * const sink = postgresSink({ url: server.url(), dbtable: 'events' });
 * await server.stop('immediate'); await server.start(); // a crash and a restart
 */
export async function startPostgresServer(password = 'private-pw-7f3a'): Promise<PostgresServer> {
  const found = findPostgresBinaries();
  if ('reason' in found) throw new Error(found.reason);
  const { bindir } = found;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) : undefined;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  chmodSync(pwfile, 0o600);
  if (asRoot) {
    chownSync(dir, uid!, gid!);
    chownSync(pwfile, uid!, gid!);
  }
  const exec = (binary: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bindir, binary), ...args]) : run(join(bindir, binary), args);
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync', '--no-instructions']);
  rmSync(pwfile);
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=30`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', serverOptions, 'start']);
  };
  const stopSync = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      spawnSync(asRoot ? 'runuser' : join(bindir, 'pg_ctl'), asRoot ? ['-u', 'postgres', '--', join(bindir, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'] : ['-D', data, '-m', 'immediate', 'stop']);
    }
  };
  // A test run that dies must not leave a server behind.
  process.once('exit', () => {
    stopSync();
    rmSync(dir, { recursive: true, force: true });
  });
  await start();
  return {
    port,
    password,
    url: (user = 'postgres', pw = password) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`,
    stop: async (mode = 'fast') => {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    start,
    destroy: async () => {
      stopSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
