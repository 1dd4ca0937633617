// Reading choice items out of a MediaWiki page's wikitext: the items of a
// list (`* item` / `# item` lines) or one column of a wikitable, optionally
// within one section, as plain text (markup stripped). Pure functions; the
// page comes from wiki.ts.
//
// What is understood (enough for the lab's lists of targets, gases, people):
// - sections: `== Heading ==` at any level; a section runs to the next heading
//   of the same or a higher level (its subsections are part of it);
// - lists: first-level items only (`* a`, `# a`); nested items (`** detail`),
//   definition lists and lines inside tables, <pre> or <nowiki> are not items;
// - tables: `{| … |}` with `|-` rows, `!` header and `|` data cells, one per
//   line or joined with `!!` / `||`, cell attributes (`style="…" | text`),
//   colspan and rowspan; nested tables are skipped; the first table (in the
//   section) with a header cell of the given name is used;
// - markup: [[link|label]] → label, [[link]] → link, [[File:…]] and
//   [[Category:…]] removed, [http://x label] → label, '''bold''' and ''italic''
//   → text, {{templates}} removed (nested too), <ref>…</ref> and comments
//   removed, other HTML tags removed (their text kept), entities decoded.

export class WikiExtractError extends Error {
  override name = 'WikiExtractError';
}

const MAX_NESTING_PASSES = 20;

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', minus: '−', thinsp: ' ', ensp: ' ', emsp: ' ', deg: '°', micro: 'µ', plusmn: '±', times: '×' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name] ?? whole;
  });
}

/** Removes what never shows as text: comments, <ref>s, templates (nested), verbatim blocks. For a whole page or one item. */
export function removeInvisible(text: string): string {
  let out = text.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  out = out.replace(/<ref\b[^>]*\/>/gi, '').replace(/<ref\b[^>]*>[\s\S]*?<\/ref\s*>/gi, '');
  out = out.replace(/<(pre|syntaxhighlight|source|math|gallery|timeline)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '');
  // Templates and template parameters, innermost first.
  for (let i = 0; i < MAX_NESTING_PASSES; i++) {
    const next = out.replace(/\{\{(?:(?!\{\{|\}\})[\s\S])*\}\}/g, '');
    if (next === out) break;
    out = next;
  }
  return out;
}

const HIDDEN_NAMESPACES = /^\s*(file|image|category|media)\s*:/i;

/** One item's text as a reader sees it. */
export function stripMarkup(text: string): string {
  let out = removeInvisible(text);
  // <nowiki>: its content is literal; keep it out of the markup passes.
  const literal: string[] = [];
  out = out.replace(/<nowiki\s*>([\s\S]*?)<\/nowiki\s*>/gi, (_, inner: string) => `\u0000${literal.push(inner) - 1}\u0000`).replace(/<nowiki\s*\/>/gi, '');
  // Internal links, innermost first (captions of images may hold links).
  for (let i = 0; i < MAX_NESTING_PASSES; i++) {
    const next = out.replace(/\[\[([^[\]]*)\]\]/g, (_, inner: string) => {
      const bar = inner.indexOf('|');
      const target = bar < 0 ? inner : inner.slice(0, bar);
      if (HIDDEN_NAMESPACES.test(target)) return '';
      if (bar >= 0) {
        const label = inner.slice(bar + 1);
        if (label.trim() !== '') return label;
        // The pipe trick: [[Target (x)|]] shows "Target".
        return target.replace(/^\s*:/, '').replace(/^[^:]*:/, '').replace(/\s*\([^)]*\)\s*$/, '');
      }
      return target.replace(/^\s*:/, '');
    });
    if (next === out) break;
    out = next;
  }
  // External links: [url label] → label, [url] → nothing.
  out = out.replace(/\[(?:https?:|ftp:|mailto:|\/\/)[^\s\]]*(?:\s+([^\]]*))?\]/gi, (_, label: string | undefined) => label ?? '');
  out = out.replace(/'{2,}/g, '');
  out = out.replace(/<br\s*\/?>/gi, ' ');
  out = out.replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>/g, '');
  out = out.replace(/__[A-Z]+__/g, '');
  out = out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => literal[Number(i)] ?? '');
  out = decodeEntities(out);
  return out.replace(/\s+/gu, ' ').trim();
}

function normalizeHeading(text: string): string {
  return stripMarkup(text).toLowerCase();
}

const HEADING = /^(={1,6})(.+?)\1\s*$/;

/** The lines of the section with heading `title` (without the heading), or of the whole page. */
function sectionLines(lines: readonly string[], title: string | undefined): string[] {
  if (title === undefined) return [...lines];
  const wanted = normalizeHeading(title);
  for (let i = 0; i < lines.length; i++) {
    const m = HEADING.exec((lines[i] as string).trim());
    if (!m || normalizeHeading(m[2] as string) !== wanted) continue;
    const level = (m[1] as string).length;
    const out: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const h = HEADING.exec((lines[j] as string).trim());
      if (h && (h[1] as string).length <= level) break;
      out.push(lines[j] as string);
    }
    return out;
  }
  throw new WikiExtractError(`no section "${title}" on the page`);
}

function pageLines(wikitext: string, section: string | undefined): string[] {
  const visible = removeInvisible(wikitext).replace(/<nowiki\s*>[\s\S]*?<\/nowiki\s*>/gi, (m) => m.replace(/\n/g, ' '));
  return sectionLines(visible.split(/\r?\n/), section);
}

/** First-level list items of the page (or of one section), markup stripped, empty ones left out. */
export function extractList(wikitext: string, section?: string): string[] {
  const items: string[] = [];
  let tableDepth = 0;
  for (const raw of pageLines(wikitext, section)) {
    const line = raw.trimStart();
    if (line.startsWith('{|')) tableDepth++;
    else if (line.startsWith('|}') && tableDepth > 0) tableDepth--;
    if (tableDepth > 0) continue;
    const m = /^([*#]+)(.*)$/.exec(raw);
    if (!m || (m[1] as string).length !== 1) continue;
    const text = stripMarkup(m[2] as string);
    if (text) items.push(text);
  }
  return items;
}

// ---------------------------------------------------------------------------
// Tables

interface Cell {
  header: boolean;
  text: string;
  colspan: number;
  rowspan: number;
}

/** Splits on `sep` (`||` or `!!`) outside [[links]]. */
function splitCells(text: string, sep: '||' | '!!'): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('[[', i)) {
      depth++;
      i++;
    } else if (text.startsWith(']]', i) && depth > 0) {
      depth--;
      i++;
    } else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** `attrs | content` → attributes and content (a single | outside [[links]]). */
function splitAttributes(cell: string): { attrs: string; content: string } {
  let depth = 0;
  for (let i = 0; i < cell.length; i++) {
    if (cell.startsWith('[[', i)) {
      depth++;
      i++;
    } else if (cell.startsWith(']]', i) && depth > 0) {
      depth--;
      i++;
    } else if (depth === 0 && cell[i] === '|') {
      return { attrs: cell.slice(0, i), content: cell.slice(i + 1) };
    }
  }
  return { attrs: '', content: cell };
}

function span(attrs: string, name: 'colspan' | 'rowspan'): number {
  const m = new RegExp(`\\b${name}\\s*=\\s*["']?\\s*(\\d+)`, 'i').exec(attrs);
  const n = m ? Number(m[1]) : 1;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1000) : 1;
}

function cellsOf(text: string, header: boolean): Cell[] {
  const parts = header ? splitCells(text, '!!').flatMap((p) => splitCells(p, '||')) : splitCells(text, '||');
  return parts.map((part) => {
    const { attrs, content } = splitAttributes(part);
    return { header, text: content, colspan: span(attrs, 'colspan'), rowspan: span(attrs, 'rowspan') };
  });
}

/** The top-level tables of `lines`, each as rows of cells. */
function tablesOf(lines: readonly string[]): Cell[][][] {
  const tables: Cell[][][] = [];
  let depth = 0;
  let rows: Cell[][] = [];
  let row: Cell[] = [];
  const endRow = () => {
    if (row.length > 0) rows.push(row);
    row = [];
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('{|')) {
      depth++;
      if (depth === 1) {
        rows = [];
        row = [];
      }
      continue;
    }
    if (depth === 0) continue;
    if (line.startsWith('|}')) {
      depth--;
      if (depth === 0) {
        endRow();
        tables.push(rows);
      }
      continue;
    }
    if (depth > 1) continue;
    if (line.startsWith('|+')) continue;
    if (line.startsWith('|-')) endRow();
    else if (line.startsWith('!')) row.push(...cellsOf(line.slice(1), true));
    else if (line.startsWith('|')) row.push(...cellsOf(line.slice(1), false));
    else if (row.length > 0) {
      const last = row[row.length - 1] as Cell;
      last.text += `\n${raw}`;
    }
  }
  return tables;
}

/** Places cells on a grid (colspan, rowspan): each row as column index → text. */
function grid(rows: readonly Cell[][]): { header: boolean; cells: Map<number, string> }[] {
  const carried = new Map<number, { text: string; rows: number; header: boolean }>();
  return rows.map((cells) => {
    const placed = new Map<number, string>();
    let col = 0;
    const fillCarried = () => {
      for (let c = carried.get(col); c; c = carried.get(col)) {
        placed.set(col, c.text);
        if (--c.rows === 0) carried.delete(col);
        col++;
      }
    };
    for (const cell of cells) {
      fillCarried();
      for (let k = 0; k < cell.colspan; k++) {
        placed.set(col, cell.text);
        if (cell.rowspan > 1) carried.set(col, { text: cell.text, rows: cell.rowspan - 1, header: cell.header });
        col++;
      }
    }
    fillCarried();
    // Rowspans reaching beyond this row's own cells.
    for (const [c, carry] of [...carried]) {
      if (placed.has(c)) continue;
      placed.set(c, carry.text);
      if (--carry.rows === 0) carried.delete(c);
    }
    return { header: cells.length > 0 && cells.every((c) => c.header), cells: placed };
  });
}

/** The values of the column headed `column` (markup stripped, case-insensitive) in the first table that has one. */
export function extractColumn(wikitext: string, column: string, section?: string): string[] {
  const wanted = normalizeHeading(column);
  const tables = tablesOf(pageLines(wikitext, section));
  if (tables.length === 0) throw new WikiExtractError(`no table${section ? ` in section "${section}"` : ' on the page'}`);
  for (const rows of tables) {
    const placed = grid(rows);
    const headerIndex = placed.findIndex((r) => r.header);
    if (headerIndex < 0) continue;
    const headerRow = placed[headerIndex] as { cells: Map<number, string> };
    const index = [...headerRow.cells.entries()].sort((a, b) => a[0] - b[0]).find(([, text]) => normalizeHeading(text) === wanted)?.[0];
    if (index === undefined) continue;
    const values: string[] = [];
    for (const r of placed.slice(headerIndex + 1)) {
      if (r.header) continue; // a repeated header row
      const text = r.cells.get(index);
      const value = text === undefined ? '' : stripMarkup(text);
      if (value) values.push(value);
    }
    return values;
  }
  throw new WikiExtractError(`no table with a column "${column}"${section ? ` in section "${section}"` : ''}`);
}
