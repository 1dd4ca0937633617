// The console at `/` (src/api/console.ts): the built files with their cache
// headers, a 503 page while it is not built, nothing outside its directory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleRoutes } from '../../src/api/console.ts';

/** GET with the path sent as it is (fetch and inject would normalise `..` away). */
function rawGet(base: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(dir: string): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify({ logger: false });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));
  await app.register(consoleRoutes, { dir });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
}

describe('the console at /', () => {
  let tmp: string;
  let dir: string;
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'shotline-console-'));
    dir = join(tmp, 'dist-console');
    await writeFile(join(tmp, 'secret.txt'), 'outside the console');
    ({ app, base } = await serve(dir));
  });

  after(async () => {
    await app?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers 503 with how to build it while the bundle is missing', async () => {
    const res = await rawGet(base, '/');
    assert.equal(res.status, 503);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /npm run build:console/);
    assert.match(res.body, /SHOTLINE_CONSOLE_DIR/);
    assert.ok(res.body.includes(dir), 'names the directory it looked in');
  });

  it('serves the bundle once it is built, without a restart', async () => {
    await mkdir(join(dir, 'assets'), { recursive: true });
    await mkdir(join(dir, 'build/img/icons/unicons'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Shotline console</title>');
    await writeFile(join(dir, 'assets/console-ABCDEF12.js'), 'console.log(1)');
    await writeFile(join(dir, 'build/img/icons/unicons/user.svg'), '<svg/>');
    await writeFile(join(dir, '.env'), 'SECRET=1');

    const index = await rawGet(base, '/');
    assert.equal(index.status, 200);
    assert.match(index.body, /<title>Shotline console<\/title>/);
    assert.match(String(index.headers['content-type']), /^text\/html/);
    assert.equal(index.headers['cache-control'], 'no-cache', 'index.html names the current bundle: always revalidated');
    assert.equal(index.headers['x-frame-options'], 'DENY');

    const script = await rawGet(base, '/assets/console-ABCDEF12.js');
    assert.equal(script.status, 200);
    assert.equal(script.body, 'console.log(1)');
    assert.match(String(script.headers['content-type']), /javascript/);
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(script.headers.etag, 'revalidation by ETag');

    const icon = await rawGet(base, '/build/img/icons/unicons/user.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers['cache-control'], 'public, max-age=86400', 'files without a content hash are cached for a day only');
  });

  it('lists no directory and serves no dotfile', async () => {
    for (const path of ['/assets/', '/assets', '/build/img/icons/']) {
      const res = await rawGet(base, path);
      assert.ok(res.status === 404 || res.status === 403, `${path}: ${res.status}`);
      assert.ok(!res.body.includes('console-ABCDEF12'), `${path} lists nothing`);
    }
    const dotfile = await rawGet(base, '/.env');
    assert.ok(dotfile.status === 403 || dotfile.status === 404, `/.env: ${dotfile.status}`);
    assert.ok(!dotfile.body.includes('SECRET'));
    assert.equal((await rawGet(base, '/assets/nothing-here.js')).status, 404);
  });

  it('never reaches a file outside its directory', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', `/${'..%2f'.repeat(8)}etc/passwd`]) {
      const res = await rawGet(base, path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.ok(!res.body.includes('outside the console') && !res.body.includes('root:'), `${path} leaks nothing`);
    }
  });
});
