// Browser tests of the Shotline console: a relay-service started as `npm start`
// starts it (role all, embedded store, simulated laser; a temporary data dir,
// free ports), serving a copy of the console built from the current sources,
// and Debian's chromium driven by playwright-core, signed in through the login
// screen.
//
//   import { describe, it, before, after } from 'node:test';
//   import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';
//
//   describe('shot sheet', { skip: BROWSER_SKIP }, () => {
//     let h: ConsoleHarness;
//     before(async () => (h = await startConsole()));
//     after(() => h?.close());
//     it('…', async () => {
//       await h.open('shot-sheet');
//       await h.page.getByLabel('Note').fill('clean');
//       await h.screenshot('shot-sheet-filled');
//       assert.deepEqual(await h.axe(), []);
//       assert.deepEqual(h.errors, []);
//     });
//   });
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort, sendJson } from '../support/net.ts';
import { startShotlineProcess, type ShotlineProcess } from '../support/process.ts';

export const CHROMIUM = process.env.SHOTLINE_CHROMIUM ?? '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD_CONSOLE = join(REPO, 'grafana-plugins/shotline-app/scripts/build-console.mjs');
const CONSOLE_DIR = join(REPO, 'grafana-plugins/shotline-app/dist-console');
export const SCREENSHOT_DIR = join(REPO, 'test-results/console');

/**
 * `false` when the browser tests can run; otherwise why they are skipped (for
 * `describe(name, { skip: BROWSER_SKIP }, …)`). On CI a missing browser is an
 * error, not a skip: .ci/run installs it.
 */
export const BROWSER_SKIP: string | false = (() => {
  if (existsSync(CHROMIUM)) return false;
  const why = `no chromium at ${CHROMIUM} (apt-get install -y chromium, or set SHOTLINE_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`console browser tests: ${why}; CI must have it`);
  console.log(`# console browser tests skipped: ${why}`);
  return why;
})();

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending elements */
  targets: string[];
}

export interface ConsoleHarness {
  /** the relay (and console) base URL, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** the admin token the relay generated into its data dir */
  token: string;
  /** a chromium page signed in as admin through the login screen, on the shot sheet */
  page: Page;
  browser: Browser;
  relay: ShotlineProcess;
  dataDir: string;
  /** console errors and uncaught exceptions of every page of this harness, in order */
  errors: string[];
  /** goes to `#/<id>` and waits for the page's heading (and its lazy chunk) */
  open(id: string, page?: Page): Promise<void>;
  /** a full-page PNG at test-results/console/<name>.png (repository root); returns the path */
  screenshot(name: string, page?: Page): Promise<string>;
  /** axe-core on the page as it is now: the violations of impact serious or critical */
  axe(page?: Page): Promise<AxeViolation[]>;
  /** a fresh page (own session storage) signed in with `token` (default: admin) */
  newPage(token?: string): Promise<Page>;
  /** a new API token of that role, made through the API with the admin token */
  makeToken(role: 'viewer' | 'editor' | 'admin', name?: string): Promise<string>;
  /** an API call with the admin token: `{ status, body }` */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface ConsoleHarnessOptions {
  /** extra environment of the relay process (e.g. SHOTLINE_SIMULATOR_RATE) */
  env?: Record<string, string>;
  /** false: `page` shows the login screen, not signed in */
  login?: boolean;
  viewport?: { width: number; height: number };
}

let built = false;

/** Builds the console when a source is newer than the bundle (once per test process). */
export function buildConsole(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [BUILD_CONSOLE, '--if-stale'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`the console did not build:\n${result.stdout}${result.stderr}`);
  built = true;
}

/**
 * A private copy of the built console for one relay: another test process may
 * rebuild dist-console meanwhile (a source changed), and a page must not then
 * ask for chunks whose names changed under it.
 */
async function snapshotConsole(into: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    await rm(into, { recursive: true, force: true });
    try {
      // source maps stay behind: only a person debugging wants them, from dist-console
      await cp(CONSOLE_DIR, into, { recursive: true, filter: (src) => !src.endsWith('.map') });
      const index = await readFile(join(into, 'index.html'), 'utf8');
      const script = /src="\/(assets\/[^"]+\.js)"/.exec(index)?.[1];
      if (script && existsSync(join(into, script))) return into;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
    if (attempt >= 5) throw new Error(`could not copy a complete console from ${CONSOLE_DIR}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function startConsole(options: ConsoleHarnessOptions = {}): Promise<ConsoleHarness> {
  if (BROWSER_SKIP) throw new Error(`console browser tests cannot run: ${BROWSER_SKIP}`);
  buildConsole();
  const dataDir = await mkdtemp(join(tmpdir(), 'shotline-console-'));
  let relay: ShotlineProcess | undefined;
  let browser: Browser | undefined;
  try {
    const consoleDir = await snapshotConsole(join(dataDir, 'console'));
    relay = await startShotlineProcess({
      SHOTLINE_DATA_DIR: dataDir,
      SHOTLINE_CONSOLE_DIR: consoleDir,
      SHOTLINE_LOG_LEVEL: 'warn',
      SHOTLINE_SIMULATOR_RATE: '1',
      SHOTLINE_SIMULATOR_ENDPOINT: `tcp://127.0.0.1:${await freePort()}`,
      SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
      ...options.env,
    });
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const h = harness(relay, browser, dataDir, token, options);
    h.page = await (options.login === false ? h.blankPage() : h.newPage());
    if (options.login === false) await h.page.goto(relay.url);
    return h;
  } catch (err) {
    await browser?.close().catch(() => {});
    await relay?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

function harness(relay: ShotlineProcess, browser: Browser, dataDir: string, token: string, options: ConsoleHarnessOptions): ConsoleHarness & { blankPage(): Promise<Page> } {
  const baseUrl = relay.url;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let tokens = 0;

  const blankPage = async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: options.viewport ?? { width: 1280, height: 800 }, baseURL: baseUrl });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}${msg.location().url ? ` (${msg.location().url})` : ''}`);
    });
    page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
    return page;
  };

  const h: ConsoleHarness & { blankPage(): Promise<Page> } = {
    baseUrl,
    token,
    page: undefined as unknown as Page,
    browser,
    relay,
    dataDir,
    errors,
    blankPage,

    async newPage(as = token) {
      const page = await blankPage();
      await page.goto(baseUrl);
      await page.getByLabel('API token').fill(as);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
      return page;
    },

    async open(id, page = h.page) {
      await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), `#/${id}`);
      await page.locator('#console-main h1').first().waitFor();
      // the page's own chunk: its Suspense fallback is gone
      await page.locator('#console-main').getByText(/^Loading .*…$/).waitFor({ state: 'detached' });
    },

    async screenshot(name, page = h.page) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },

    async axe(page = h.page) {
      await page.addScriptTag({ content: await axeSource() });
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
        const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
      });
      return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    },

    async makeToken(role, name = `${role}-${++tokens}`) {
      const made = await h.api<{ token: string }>('POST', '/api/v1/tokens', { name, role });
      if (made.status !== 201) throw new Error(`could not make a ${role} token: ${made.status} ${JSON.stringify(made.body)}`);
      return made.body.token;
    },

    async api(method, path, body) {
      const headers = { authorization: `Bearer ${token}` };
      if (body === undefined) {
        const res = await fetch(`${baseUrl}${path}`, { method, headers });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      }
      return sendJson(`${baseUrl}${path}`, method, body, headers);
    },

    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await relay.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

let axeText: string | undefined;
async function axeSource(): Promise<string> {
  axeText ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeText;
}
