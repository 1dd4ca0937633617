// A local HTTP server that answers like the MediaWiki Action API (api.php):
// action=parse (prop=wikitext) and action=query (prop=revisions, rvslots=main),
// in formatversion 2 or 1 shape, with the errors a real wiki gives. Pages can
// be told to misbehave: missing, slow, HTTP 500, oversized, not JSON.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PageMode = 'ok' | 'missing' | 'slow' | 'error500' | 'huge' | 'html';

export interface FakeWiki {
  /** the wiki's address, e.g. http://127.0.0.1:1234/w (api.php is below it) */
  url: string;
  pages: Map<string, string>;
  modes: Map<string, PageMode>;
  /** answer in formatversion 1 shape whatever was asked */
  formatVersion1: boolean;
  /** the query strings of every api.php request */
  requests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startFakeWiki(options: { slowMs?: number } = {}): Promise<FakeWiki> {
  const sockets = new Set<import('node:net').Socket>();
  const wiki: Omit<FakeWiki, 'url' | 'close'> = { pages: new Map(), modes: new Map(), formatVersion1: false, requests: [] };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://wiki');
    if (url.pathname !== '/w/api.php') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>not here</html>');
      return;
    }
    const q = url.searchParams;
    wiki.requests.push(q);
    const title = q.get('page') ?? q.get('titles') ?? '';
    const mode = wiki.modes.get(title) ?? 'ok';
    const text = wiki.pages.get(title);
    const v1 = wiki.formatVersion1 || q.get('formatversion') !== '2';
    switch (mode) {
      case 'slow':
        setTimeout(() => json(res, 200, { parse: { title, pageid: 1, wikitext: text ?? '' } }), options.slowMs ?? 5000).unref();
        return;
      case 'error500':
        res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal error</h1>');
        return;
      case 'huge': {
        // Chunked, no content-length: the limit must hold while reading.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        res.write('{"parse":{"title":"x","wikitext":"');
        for (let i = 0; i < 64; i++) res.write(chunk);
        res.end('"}}');
        return;
      }
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Main Page</body></html>');
        return;
    }
    if (q.get('format') !== 'json') return json(res, 400, { error: { code: 'badformat', info: 'format=json expected by this fake' } });
    const missing = mode === 'missing' || text === undefined;
    if (q.get('action') === 'parse') {
      if (q.get('prop') !== 'wikitext') return json(res, 400, { error: { code: 'badprop', info: 'prop=wikitext expected by this fake' } });
      if (missing) return json(res, 200, { error: { code: 'missingtitle', info: "The page you specified doesn't exist.", '*': 'See api.php for API usage.' } });
      return json(res, 200, { parse: { title, pageid: 42, wikitext: v1 ? { '*': text } : text } });
    }
    if (q.get('action') === 'query') {
      if (q.get('prop') !== 'revisions' || q.get('rvprop') !== 'content' || q.get('rvslots') !== 'main') return json(res, 400, { error: { code: 'badparams', info: 'revisions/content/main expected' } });
      if (missing) return json(res, 200, v1 ? { batchcomplete: '', query: { pages: { '-1': { ns: 0, title, missing: '' } } } } : { batchcomplete: true, query: { pages: [{ ns: 0, title, missing: true }] } });
      const slot = v1 ? { contentmodel: 'wikitext', contentformat: 'text/x-wiki', '*': text } : { contentmodel: 'wikitext', contentformat: 'text/x-wiki', content: text };
      const page = { pageid: 42, ns: 0, title, revisions: [{ slots: { main: slot } }] };
      return json(res, 200, v1 ? { batchcomplete: '', query: { pages: { 42: page } } } : { batchcomplete: true, query: { pages: [page] } });
    }
    return json(res, 200, { error: { code: 'badvalue', info: 'Unrecognized value for parameter "action".' } });
  };
  const server: Server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(wiki, {
    url: `http://127.0.0.1:${port}/w`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
