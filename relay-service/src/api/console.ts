// The Shotline console (grafana-plugins/shotline-app/src/console, built into
// SHOTLINE_CONSOLE_DIR) at `/`: index.html for `/`, the bundle's files below
// it. No token is needed to load the page: it signs in against /api/v1 itself.
//
// - `index.html` is revalidated on every load (it names the current bundle);
//   the bundle's files have content hashes in their names and are cached for
//   a year. Icons and fonts (no hash) are cached for a day.
// - No directory listing; dotfiles are refused; paths outside the directory
//   cannot be reached (@fastify/static normalises and confines them).
// - Missing bundle: `/` answers 503 with a page saying how to build it, so
//   the API keeps working and the reason is plain to whoever opens it.
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

export interface ConsoleOptions {
  /** the built console (index.html and assets/) */
  dir: string;
}

const HASHED = /^\/assets\/.+-[A-Z0-9]{8}\.(js|css|js\.map|css\.map)$/;

export const consoleRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, { dir }) => {
  const index = join(dir, 'index.html');
  if (!(await isFile(index))) {
    app.log.warn({ dir }, 'console: no built console in SHOTLINE_CONSOLE_DIR; / answers 503 until it is built (npm run build:console -w grafana-plugins/shotline-app)');
  }

  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // `/` is the route below; directories are never listed or redirected to.
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'deny',
    // The bundle may be built (or rebuilt) after the relay started: look for files at request time.
    wildcard: true,
    suppressWarning: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      const url = `/${relative(dir, path).split(sep).join('/')}`;
      reply.header('cache-control', url === '/index.html' ? 'no-cache' : HASHED.test(url) ? 'public, max-age=31536000, immutable' : 'public, max-age=86400');
      reply.header('x-content-type-options', 'nosniff');
    },
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (!(await isFile(index))) {
      return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(missingPage(dir));
    }
    return reply
      // the page may not be framed by another site (clickjacking of the sign-in form)
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "frame-ancestors 'none'")
      .sendFile('index.html', { cacheControl: false });
  });
};

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function missingPage(dir: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Shotline console: not built</title></head>
<body>
<h1>The Shotline console is not built</h1>
<p>This relay serves the console from <code>${escapeHtml(dir)}</code>, which has no <code>index.html</code>.</p>
<p>Build it from the repository root with <code>npm run build:console -w grafana-plugins/shotline-app</code>
(<code>npm start</code> does this by itself), or point <code>SHOTLINE_CONSOLE_DIR</code> at a built console.
Then reload this page; the relay need not restart.</p>
<p>The HTTP API at <code>/api/v1</code> works meanwhile (<a href="/openapi.json">/openapi.json</a>).</p>
</body>
</html>
`;
}
