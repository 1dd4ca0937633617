// Fetching a page's wikitext through the MediaWiki Action API, bounded in
// time and size:
//   parse: {api}?action=parse&page=<title>&prop=wikitext&format=json&formatversion=2
//   query: {api}?action=query&prop=revisions&rvprop=content&rvslots=main&titles=<title>&format=json&formatversion=2
// Both answer shapes (formatversion 1 and 2) are read. `{api}` is the wiki
// URL's api.php (`https://wiki.lab/w` → `https://wiki.lab/w/api.php`; a URL
// ending in `.php` is used as it is).
import { extractColumn, extractList } from './wikitext.ts';

export interface WikiSource {
  wikiUrl: string;
  page: string;
  /** which API module to ask (default parse) */
  api?: 'parse' | 'query' | undefined;
  /** only the part of the page under this heading */
  section?: string | undefined;
  /** a wikitable column by its header; without it, the page's list items */
  column?: string | undefined;
}

export interface WikiLimits {
  /** the whole request, answer included */
  timeoutMs: number;
  /** the answer's size */
  maxBytes: number;
}

export const DEFAULT_WIKI_LIMITS: WikiLimits = { timeoutMs: 10_000, maxBytes: 2 * 1024 * 1024 };

export class WikiError extends Error {
  override name = 'WikiError';
}

const USER_AGENT = 'Shotline/0.1 (shot-sheet choice-list sync)';

/** The api.php URL of a wiki URL. */
export function apiUrl(wikiUrl: string): URL {
  const url = new URL(wikiUrl);
  if (!/\.php$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/api.php`;
  url.search = '';
  url.hash = '';
  return url;
}

export function requestUrl(source: WikiSource): URL {
  const url = apiUrl(source.wikiUrl);
  const params: Record<string, string> =
    source.api === 'query'
      ? { action: 'query', prop: 'revisions', rvprop: 'content', rvslots: 'main', titles: source.page, format: 'json', formatversion: '2', redirects: '1' }
      : { action: 'parse', page: source.page, prop: 'wikitext', format: 'json', formatversion: '2', redirects: '1' };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

async function readBounded(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new WikiError(`the answer is ${declared} bytes, more than the limit of ${maxBytes}`);
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new WikiError(`the answer is more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The wikitext in an Action API answer (parse or query, formatversion 1 or 2). */
export function wikitextOf(answer: unknown, page: string): string {
  if (!isObject(answer)) throw new WikiError('the answer is not a MediaWiki API answer');
  if (isObject(answer.error)) {
    const code = String(answer.error.code ?? 'unknown');
    const info = typeof answer.error.info === 'string' ? `: ${answer.error.info.slice(0, 200)}` : '';
    if (code === 'missingtitle') throw new WikiError(`the page "${page}" does not exist on the wiki (missingtitle)`);
    throw new WikiError(`the wiki refused the request (${code.slice(0, 60)})${info}`);
  }
  if (isObject(answer.parse)) {
    const w = answer.parse.wikitext;
    if (typeof w === 'string') return w;
    if (isObject(w) && typeof w['*'] === 'string') return w['*'];
  }
  if (isObject(answer.query)) {
    const pages = answer.query.pages;
    const list = Array.isArray(pages) ? pages : isObject(pages) ? Object.values(pages) : [];
    const first = list[0];
    if (isObject(first)) {
      if ('missing' in first && first.missing !== false) throw new WikiError(`the page "${page}" does not exist on the wiki (missingtitle)`);
      if ('invalid' in first && first.invalid !== false) throw new WikiError(`"${page}" is not a valid page title on the wiki`);
      const rev = Array.isArray(first.revisions) ? first.revisions[0] : undefined;
      if (isObject(rev)) {
        const main = isObject(rev.slots) && isObject(rev.slots.main) ? rev.slots.main : rev;
        if (typeof main.content === 'string') return main.content;
        if (typeof main['*'] === 'string') return main['*'];
      }
    }
  }
  throw new WikiError('the answer holds no wikitext');
}

/** The page's wikitext. Throws WikiError (or an abort) with a message fit for the sync status. */
export async function fetchWikitext(source: WikiSource, limits: WikiLimits = DEFAULT_WIKI_LIMITS, signal?: AbortSignal): Promise<string> {
  const url = requestUrl(source);
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { signal: combined, headers: { accept: 'application/json', 'user-agent': USER_AGENT }, redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new WikiError(`the wiki answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
    }
    const text = await readBounded(res, limits.maxBytes);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new WikiError('the answer is not JSON (is the URL the wiki\'s address, e.g. https://wiki.example/w?)');
    }
    return wikitextOf(answer, source.page);
  } catch (err) {
    if (err instanceof WikiError) throw err;
    if (timeout.aborted) throw new WikiError(`no complete answer within ${limits.timeoutMs} ms`);
    if (signal?.aborted) throw new WikiError('stopped');
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WikiError(`cannot reach the wiki: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
}

/** The items the source names on the page (markup stripped, in page order, duplicates kept). */
export function extractItems(wikitext: string, source: WikiSource): string[] {
  return source.column !== undefined ? extractColumn(wikitext, source.column, source.section) : extractList(wikitext, source.section);
}
