// Starts one Commet for .NET server as a child process, on a free port, with a fresh data directory
// (SQLite) or, when COMMET_TEST_DATABASE_URL is set, a fresh PostgreSQL database; stops it and cleans up.
//
//   COMMET_SERVER_DLL          run `dotnet <dll>` (CI builds once and passes the Release DLL);
//                              otherwise `dotnet run --project src/Commet.Server -c Release`.
//   COMMET_TEST_DATABASE_URL   an admin connection to a PostgreSQL server (Npgsql key=value or postgres:// URL);
//                              a database compat_<random> is created for the server and dropped afterwards.
//   COMMET_TEST_SERVER_LOG     set to 1 to echo the server's output.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const projectDir = path.join(repoRoot, 'src', 'Commet.Server');

// Ports the developer's own servers use; never take them.
const reservedPorts = new Set([5080, 5181]);

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string of base62 characters. */
export function randomToken(length) {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    // 248 is the largest multiple of 62 below 256: reject above it to stay uniform.
    if (bytes[i] < 248) out += alphabet[bytes[i] % 62];
  }
  return out.length === length ? out : randomToken(length);
}

async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    if (!reservedPorts.has(port)) return port;
  }
  throw new Error('no free port found');
}

// ---- PostgreSQL -------------------------------------------------------------------------------------------

/** Reads an Npgsql key=value connection string or a postgres:// URL into `pg` client settings. */
export function parseConnectionString(value) {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    const url = new URL(value);
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 5432,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    };
  }
  const config = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase().replace(/\s+/g, ' ');
    const val = part.slice(eq + 1).trim();
    if (key === 'host' || key === 'server') config.host = val;
    else if (key === 'port') config.port = Number(val);
    else if (key === 'username' || key === 'user id' || key === 'userid' || key === 'user') config.user = val;
    else if (key === 'password') config.password = val;
    else if (key === 'database' || key === 'db') config.database = val;
  }
  config.host ??= '127.0.0.1';
  config.port ??= 5432;
  config.database ??= 'postgres';
  return config;
}

/** The same connection, pointed at another database, in the form it came in. */
export function withDatabase(value, database) {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    const url = new URL(value);
    url.pathname = '/' + encodeURIComponent(database);
    return url.toString();
  }
  const parts = value.split(';').filter((p) => p.trim() !== '' && !/^\s*(database|db)\s*=/i.test(p));
  parts.push(`Database=${database}`);
  return parts.join(';');
}

async function withAdmin(adminUrl, fn) {
  const { default: pg } = await import('pg');
  const client = new pg.Client(parseConnectionString(adminUrl));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(adminUrl) {
  const name = `compat_${randomToken(12).toLowerCase()}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  return name;
}

async function dropDatabase(adminUrl, name) {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

// ---- The server process -------------------------------------------------------------------------------------

const running = new Set();

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The child leads its own process group: this reaches `dotnet run` and the app it started, nothing else.
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

process.on('exit', () => {
  for (const server of running) killGroup(server.child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const server of running) killGroup(server.child, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

async function waitForHealth(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before answering /healthz:\n${output.text()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      lastError = new Error(`/healthz answered ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer /healthz within ${timeoutMs / 1000} s (${lastError?.message}):\n${output.text()}`);
}

/**
 * Starts a server and resolves once it answers /healthz. `env` adds environment variables for the server process.
 * @returns {Promise<{url: string, sandboxKey: string, liveKey: string, database: string, stop: () => Promise<void>}>}
 */
export async function startServer({ env: extraEnv = {} } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'commet-compat-'));
  const sandboxKey = `ck_test_${randomToken(40)}`;
  const liveKey = `ck_live_${randomToken(40)}`;

  const adminUrl = process.env.COMMET_TEST_DATABASE_URL;
  let databaseName = null;
  const env = {
    ...process.env,
    COMMET_DATA_DIR: dataDir,
    COMMET_BOOTSTRAP_SANDBOX_KEY: sandboxKey,
    COMMET_BOOTSTRAP_LIVE_KEY: liveKey,
    ASPNETCORE_ENVIRONMENT: process.env.ASPNETCORE_ENVIRONMENT ?? 'Production',
    DOTNET_NOLOGO: '1',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    ...extraEnv,
  };
  delete env.COMMET_DATABASE_URL;
  delete env.COMMET_URLS;
  delete env.ASPNETCORE_URLS;
  if (adminUrl) {
    databaseName = await createDatabase(adminUrl);
    env.COMMET_DATABASE_URL = withDatabase(adminUrl, databaseName);
  }

  const dll = process.env.COMMET_SERVER_DLL;
  const [command, args, cwd, timeoutMs] = dll
    ? ['dotnet', [path.resolve(dll), '--urls', url], path.dirname(path.resolve(dll)), 60_000]
    : ['dotnet', ['run', '--project', projectDir, '-c', 'Release', '--', '--urls', url], repoRoot, 300_000];

  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  const output = {
    text: () => chunks.join('').split('\n').slice(-80).join('\n'),
  };
  const echo = process.env.COMMET_TEST_SERVER_LOG === '1';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      chunks.push(d);
      if (chunks.length > 2000) chunks.splice(0, 1000);
      if (echo) process.stderr.write(d);
    });
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));

  let stopped = false;
  const server = {
    url,
    sandboxKey,
    liveKey,
    database: databaseName ? `postgresql:${databaseName}` : 'sqlite',
    child,
    output: () => output.text(),
    async stop() {
      if (stopped) return;
      stopped = true;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      running.delete(server);
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseName) {
        try {
          await dropDatabase(adminUrl, databaseName);
        } catch (err) {
          process.stderr.write(`could not drop database ${databaseName}: ${err.message}\n`);
        }
      }
    },
  };
  running.add(server);

  try {
    await waitForHealth(url, child, output, timeoutMs);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
