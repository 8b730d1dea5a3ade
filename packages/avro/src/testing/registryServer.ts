import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The registry, in plain JS: part of Confluent Schema Registry's documented REST API —
 * `POST /subjects/{subject}/versions` (register, or find, a schema: `{"id":…}`),
 * `GET /subjects/{subject}/versions/latest`, `GET /schemas/ids/{id}` — with Confluent's error
 * bodies (`{"error_code":40401,…}` subject not found, 40403 schema not found, 42201 invalid
 * schema), its content type and basic auth. Ids are global; schemas compare as normalised JSON.
 */
const SERVER = `
const http = require('node:http');
const auth = process.argv[1];
const subjects = new Map();
const schemas = [];
const requests = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const reply = (status, value) => {
      res.writeHead(status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
      res.end(JSON.stringify(value));
    };
    const path = new URL(req.url, 'http://registry').pathname;
    if (path === '/__requests') return reply(200, requests);
    requests.push(req.method + ' ' + path);
    if (auth && req.headers.authorization !== 'Basic ' + Buffer.from(auth).toString('base64')) return reply(401, { error_code: 401, message: 'Unauthorized' });
    let m;
    if (req.method === 'POST' && (m = /^\\/subjects\\/([^/]+)\\/versions$/.exec(path))) {
      const subject = decodeURIComponent(m[1]);
      let schema;
      try { schema = JSON.stringify(JSON.parse(JSON.parse(body).schema)); } catch { return reply(422, { error_code: 42201, message: 'Invalid schema' }); }
      let id = schemas.indexOf(schema) + 1;
      if (id === 0) id = schemas.push(schema);
      const versions = subjects.get(subject) || [];
      if (!versions.some((v) => v.id === id)) versions.push({ id, version: versions.length + 1, schema });
      subjects.set(subject, versions);
      return reply(200, { id });
    }
    if (req.method === 'GET' && (m = /^\\/subjects\\/([^/]+)\\/versions\\/latest$/.exec(path))) {
      const subject = decodeURIComponent(m[1]);
      const versions = subjects.get(subject);
      if (!versions) return reply(404, { error_code: 40401, message: "Subject '" + subject + "' not found." });
      return reply(200, Object.assign({ subject }, versions[versions.length - 1]));
    }
    if (req.method === 'GET' && (m = /^\\/schemas\\/ids\\/(\\d+)$/.exec(path))) {
      const schema = schemas[Number(m[1]) - 1];
      if (!schema) return reply(404, { error_code: 40403, message: 'Schema not found' });
      return reply(200, { schema });
    }
    reply(404, { error_code: 404, message: 'HTTP 404 Not Found' });
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/**
 * Test-only: a Schema Registry (the REST API above) in a child process — the registry client
 * waits for answers synchronously, so the server cannot share its thread.
 */
export async function startRegistry(options: { readonly auth?: string } = {}): Promise<{ url: string; requests(): Promise<string[]>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', SERVER, options.auth ?? ''], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const port = /^listening (\d+)$/.exec(String(first.value))?.[1];
  if (!port) throw new Error(`the test registry did not start: ${String(first.value)}`);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests: async () => (await (await fetch(`${url}/__requests`)).json()) as string[],
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
}
