// Tokens and roles over real HTTP and WebSocket, against both stores: 401
// without a token, 403 with a role too low (naming the role needed), a
// service token acting for a Grafana user, revocation, hashes stored (never
// tokens), the first admin token, open health routes.
import assert from 'node:assert/strict';
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/config.ts';
import type { Shotline } from '../../src/shotline.ts';
import { ADMIN_TOKEN, ApiClient } from '../support/api.ts';
import { startOn, testBackends, type TestBackend } from '../support/backends.ts';

function suite(backend: TestBackend) {
  describe(`authentication and roles (${backend.name})`, { skip: backend.skip }, () => {
    let s: Shotline;
    let admin: ApiClient;
    const tokens: Record<'viewer' | 'editor' | 'admin' | 'service', string> = { viewer: '', editor: '', admin: '', service: '' };
    const ids: Record<string, string> = {};

    before(async () => {
      s = await startOn(backend);
      admin = new ApiClient(s.url);
      for (const role of ['viewer', 'editor', 'admin', 'service'] as const) {
        const res = await admin.post('/api/v1/tokens', { name: `${role}-bot`, role });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        tokens[role] = res.body.token;
        ids[role] = res.body.id;
      }
      assert.equal((await admin.post('/api/v1/sheets', { name: 'main', title: 'Main', layout: { sections: [{ title: 'S', fields: [{ key: 'note', label: 'Note', type: 'text' }] }] } })).status, 201);
    });

    after(async () => {
      await s?.stop();
      await backend.cleanup();
    });

    it('answers 401 without a token or with an unknown one, on every /api route, and keeps health, metrics and OpenAPI open', async () => {
      const anon = admin.anonymous();
      for (const path of ['/api/v1/shots', '/api/v1/relay/settings', '/api/v1/sheets', '/api/v1/sheets/main/entries', '/api/v1/tokens', '/api/v1/me']) {
        const res = await anon.get(path);
        assert.equal(res.status, 401, path);
        assert.match(res.body.error, /Bearer/);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.equal((await admin.as('shl_not-a-real-token-at-all-0000').get(path)).status, 401, path);
      }
      assert.equal((await anon.patch('/api/v1/relay/channels/energy_J', { enabled: false })).status, 401);
      assert.equal((await anon.post('/api/v1/sheets/main/entries', '{"fields":', { 'content-type': 'application/json' })).status, 401, 'refused before the body is read');
      assert.equal((await new ApiClient(s.url, { authorization: 'Basic YWRtaW46YWRtaW4=' }).get('/api/v1/shots')).status, 401);
      for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) assert.equal((await anon.get(path)).status, 200, path);
    });

    it('lets a viewer read and nothing more; 403 names the role needed', async () => {
      const viewer = admin.as(tokens.viewer);
      for (const path of ['/api/v1/shots', '/api/v1/relay/settings', '/api/v1/relay/channels', '/api/v1/sheets', '/api/v1/sheets/main/layout', '/api/v1/sheets/main/entries']) {
        assert.equal((await viewer.get(path)).status, 200, path);
      }
      const entry = await viewer.post('/api/v1/sheets/main/entries', { fields: { note: 'x' } });
      assert.equal(entry.status, 403);
      assert.match(entry.body.error, /needs role editor/);
      assert.match(entry.body.error, /viewer-bot has role viewer/);
      const relay = await viewer.patch('/api/v1/relay/channels/energy_J', { enabled: false });
      assert.equal(relay.status, 403);
      assert.match(relay.body.error, /needs role admin/);
      assert.equal((await viewer.get('/api/v1/tokens')).status, 403);
      assert.equal((await viewer.get('/api/v1/sheets/main/entries?deleted=true')).status, 403);
      assert.deepEqual((await viewer.get('/api/v1/me')).body, { name: 'viewer-bot', role: 'viewer', tokenId: ids.viewer });
    });

    it('lets an editor add and change entries, but not sheets, layouts, tokens, deletions or relay settings', async () => {
      const editor = admin.as(tokens.editor);
      const created = await editor.post('/api/v1/sheets/main/entries', { fields: { note: 'by editor' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.createdBy, 'editor-bot');
      const patched = await editor.patch(`/api/v1/sheets/main/entries/${created.body.id}`, { fields: { note: 'changed' } }, { 'if-match': created.headers.get('etag')! });
      assert.equal(patched.status, 200);
      const refused: [string, string, unknown][] = [
        ['POST', '/api/v1/sheets', { name: 'other', title: 'Other' }],
        ['PATCH', '/api/v1/sheets/main', { title: 'Renamed' }],
        ['PUT', '/api/v1/sheets/main/layout', { sections: [] }],
        ['PUT', '/api/v1/sheets/main/diagnostics/probe', { label: 'Probe', fields: [] }],
        ['PUT', '/api/v1/sheets/main/presets/std', { diagnostics: {} }],
        ['DELETE', `/api/v1/sheets/main/entries/${created.body.id}`, undefined],
        ['POST', `/api/v1/sheets/main/entries/${created.body.id}/restore`, undefined],
        ['POST', '/api/v1/tokens', { name: 'x', role: 'admin' }],
        ['PUT', '/api/v1/relay/campaign', { name: 'c' }],
      ];
      for (const [method, path, body] of refused) {
        const res = await editor.request(method, path, body);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.body.error, /needs role admin/, `${method} ${path}`);
      }
      assert.equal((await admin.get('/api/v1/sheets/main')).body.title, 'Main', 'nothing changed');
    });

    it('lets an admin do everything, and attributes relay changes to the caller', async () => {
      const other = admin.as(tokens.admin);
      const res = await other.patch('/api/v1/relay/channels/energy_J', { unit: 'J' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.updatedBy, 'admin-bot');
      const audit = await other.get('/api/v1/relay/audit?limit=5');
      assert.equal(audit.body.items[0].by, 'admin-bot');
    });

    it('a service token acts for the Grafana user it names, with that user\'s role', async () => {
      const as = (user: string | undefined, role?: string) => admin.as(tokens.service, { ...(user !== undefined && { 'x-grafana-user': user }), ...(role !== undefined && { 'x-grafana-role': role }) });
      assert.deepEqual((await as('alice', 'Editor').get('/api/v1/me')).body, { name: 'alice', role: 'editor', tokenId: ids.service, via: 'service-bot' });

      const written = await as('alice', 'Editor').post('/api/v1/sheets/main/entries', { fields: { note: 'from grafana' } });
      assert.equal(written.status, 201);
      assert.equal(written.body.createdBy, 'alice');
      const changed = await as('bob', 'Admin').patch(`/api/v1/sheets/main/entries/${written.body.id}`, { fields: { note: 'bob was here' } }, { 'if-match': '"1"' });
      assert.equal(changed.body.updatedBy, 'bob');
      const revisions = (await as('carol', 'Viewer').get(`/api/v1/sheets/main/entries/${written.body.id}/revisions`)).body.items;
      assert.deepEqual(revisions.map((r: { by: string }) => r.by), ['alice', 'bob']);

      const asViewer = await as('carol', 'Viewer').post('/api/v1/sheets/main/entries', { fields: {} });
      assert.equal(asViewer.status, 403);
      assert.match(asViewer.body.error, /needs role editor; carol has role viewer/);
      assert.equal((await as('dave', 'Admin').patch('/api/v1/relay/channels/energy_J', { unit: 'mJ' })).body.updatedBy, 'dave');
      assert.equal((await as('erin', 'None').get('/api/v1/shots')).status, 403, 'a Grafana user without a role may do nothing');
      assert.equal((await as('erin', 'Superuser').get('/api/v1/shots')).status, 400);
      assert.deepEqual((await as('frank').get('/api/v1/me')).body.role, 'viewer', 'no role header: viewer');
      const itself = await as(undefined).get('/api/v1/me');
      assert.deepEqual(itself.body, { name: 'service-bot', role: 'viewer', tokenId: ids.service }, 'no user: the token itself, as viewer');
      assert.equal((await as(undefined).post('/api/v1/sheets/main/entries', { fields: {} })).status, 403);
      // Other tokens cannot pretend to be someone else.
      assert.equal((await admin.as(tokens.editor, { 'x-grafana-user': 'mallory', 'x-grafana-role': 'Admin' }).get('/api/v1/me')).body.name, 'editor-bot');
    });

    it('lists tokens without secrets, and a revoked token stops working at once', async () => {
      const made = await admin.post('/api/v1/tokens', { name: 'short-lived', role: 'viewer' });
      const client = admin.as(made.body.token);
      assert.equal((await client.get('/api/v1/shots')).status, 200);
      const listed = await admin.get('/api/v1/tokens');
      const item = listed.body.items.find((t: { id: string }) => t.id === made.body.id);
      assert.equal(item.name, 'short-lived');
      assert.equal(item.token, undefined);
      assert.equal(item.hash, undefined);
      assert.ok(made.body.token.startsWith(item.prefix));
      const revoked = await admin.delete(`/api/v1/tokens/${made.body.id}`);
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.revoked, true);
      assert.equal(revoked.body.revokedBy, 'admin');
      assert.equal((await client.get('/api/v1/shots')).status, 401);
      assert.ok(!(await admin.get('/api/v1/tokens')).body.items.some((t: { id: string }) => t.id === made.body.id));
      assert.ok((await admin.get('/api/v1/tokens?includeRevoked=true')).body.items.some((t: { id: string; revoked: boolean }) => t.id === made.body.id && t.revoked));
      assert.equal((await admin.delete('/api/v1/tokens/no-such-token')).status, 404);
      assert.equal((await admin.post('/api/v1/tokens', { name: 'x', role: 'root' })).status, 400);
    });

    it('stores SHA-256 hashes, never the tokens', async () => {
      const docs = await backend.raw('api_tokens');
      assert.ok(docs.length >= 5);
      const stored = JSON.stringify(docs);
      for (const token of [...Object.values(tokens), ADMIN_TOKEN]) assert.ok(!stored.includes(token), 'a token in the store');
      for (const d of docs) assert.match(d.hash, /^[0-9a-f]{64}$/);
    });

    it('authenticates the live WebSocket with ?token= or the header', async () => {
      const wsUrl = `${s.url.replace('http', 'ws')}/api/v1/live?streams=shots`;
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(wsUrl);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('opened without a token')));
        ws.on('error', () => {});
      });
      assert.equal(status, 401);
      const hello = (ws: WebSocket) =>
        new Promise<unknown>((resolve, reject) => {
          ws.on('message', (data) => {
            resolve(JSON.parse(String(data)));
            ws.close();
          });
          ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
          ws.on('error', reject);
        });
      assert.deepEqual(await hello(new WebSocket(`${wsUrl}&token=${encodeURIComponent(tokens.viewer)}`)), { type: 'hello', streams: ['shots'] });
      assert.deepEqual(await hello(new WebSocket(wsUrl, { headers: { authorization: `Bearer ${tokens.viewer}` } })), { type: 'hello', streams: ['shots'] });
      // A token in the query counts only on a WebSocket upgrade (it would end up in logs and histories).
      assert.equal((await admin.anonymous().get(`/api/v1/shots?token=${encodeURIComponent(tokens.viewer)}`)).status, 401);
    });
  });

  describe(`the first admin token (${backend.name})`, { skip: backend.skip }, () => {
    after(() => backend.cleanup());

    it('without SHOTLINE_ADMIN_TOKEN and no token yet: generates one into <data dir>/admin-token (0600), logs only where it is', async () => {
      let log = '';
      const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => ((log += chunk), done()) }));
      const s = await startOn(backend, { env: { SHOTLINE_ADMIN_TOKEN: '' }, logger });
      try {
        const file = join(s.config.dataDir, 'admin-token');
        assert.equal((await stat(file)).mode & 0o777, 0o600);
        const token = (await readFile(file, 'utf8')).trim();
        assert.match(token, /^shl_[A-Za-z0-9_-]{43}$/);
        assert.ok(!log.includes(token), 'the token is never logged');
        assert.match(log, /admin-token/);
        const api = new ApiClient(s.url).as(token);
        assert.equal((await api.get('/api/v1/me')).body.role, 'admin');
        assert.equal((await new ApiClient(s.url).get('/api/v1/me')).status, 401, 'SHOTLINE_ADMIN_TOKEN of other tests is not a token here');
      } finally {
        await s.stop();
      }
    });

    it('SHOTLINE_ADMIN_TOKEN is checked at start without showing its value', () => {
      assert.throws(
        () => loadConfig({ SHOTLINE_ADMIN_TOKEN: 'short secret' }),
        (err: Error) => err instanceof ConfigError && /SHOTLINE_ADMIN_TOKEN=<hidden>/.test(err.message) && !err.message.includes('short secret'),
      );
    });
  });
}

for (const backend of testBackends('auth')) suite(backend);
