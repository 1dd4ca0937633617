import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Combobox,
  type ComboboxOption,
  Field,
  Input,
  RadioButtonGroup,
  Stack,
  useStyles2,
} from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { WhereEditor } from '../WhereEditor/WhereEditor';
import type { Diagnostic, Layout } from '../../api/sheetTypes';
import { SheetPicker } from '../SheetPicker/SheetPicker';
import { fieldTitle, layoutFields, searchFields, type SearchField } from './fields';
import { readHashParam, writeHashParam } from './pageAddress';
import {
  buildSearch,
  decodeForm,
  DEFAULT_LIMIT,
  encodeForm,
  exportBody,
  placeProblems,
  type PlacedProblems,
  type SearchBody,
  type SearchForm,
  type SortChoice,
} from './query';
import { Results, type Page } from './Results';
import { saveFile } from './saveFile';
import { getStyles } from './styles';

/** Where the search is kept in the page address (`#…?search=`). */
export const HASH_PARAM = 'search';

const KEY_COLUMNS = 6;

const SORTS: Array<{ label: string; value: SortChoice }> = [
  { label: 'Newest shot first', value: 'newest' },
  { label: 'Oldest shot first', value: 'oldest' },
  { label: 'Last changed first', value: 'changed' },
];

const PAGE_SIZES = [25, 50, 100, 200].map((n) => ({ label: String(n), value: n }));

interface Ran {
  body: SearchBody;
  rowOf: number[];
  /** cursor of each page seen so far (null: the first) */
  cursors: Array<string | null>;
  /** entries before each page seen so far */
  offsets: number[];
  index: number;
}

const NO_PROBLEMS: PlacedProblems = { fields: {}, rows: [], other: [] };
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function initialForm(sheet: string | undefined): SearchForm {
  const kept = decodeForm(readHashParam(HASH_PARAM));
  const form = kept ?? { where: [] };
  return sheet ? { ...form, sheet } : form;
}

/**
 * Finds shot-sheet entries: the sheet's fields as condition rows (all must
 * hold), time range, campaign and text; a page of results with the total;
 * CSV and JSON export of the same search.
 */
export function ShotSearch({ sheet: fixedSheet }: { sheet?: string }) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [form, setForm] = useState<SearchForm>(() => initialForm(fixedSheet));
  const [campaigns, setCampaigns] = useState<string[]>([]);
  // Kept with the sheet they belong to, so another sheet's fields never show while its own load.
  const [layoutOf, setLayoutOf] = useState<{ sheet: string; layout: Layout }>();
  const [diagnosticsOf, setDiagnosticsOf] = useState<{ sheet: string; items: Diagnostic[] }>();
  const [channels, setChannels] = useState<Array<{ name: string; nickname: string | null; unit: string | null }>>([]);
  const [loadProblem, setLoadProblem] = useState<string>();
  const [ran, setRan] = useState<Ran>();
  const [page, setPage] = useState<Page>();
  const [problems, setProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const [failure, setFailure] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState<string>();
  const sheet = fixedSheet ?? form.sheet ?? '';
  const layout = layoutOf?.sheet === sheet ? layoutOf.layout : undefined;
  const diagnostics = useMemo(
    () => (diagnosticsOf?.sheet === sheet ? diagnosticsOf.items : []),
    [diagnosticsOf, sheet]
  );

  const set = (patch: Partial<SearchForm>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    api
      .request<{ items: Array<{ campaign: string | null }> }>('GET', 'stats/campaigns')
      .then((r) => setCampaigns(r.body.items.map((c) => c.campaign).filter((c): c is string => !!c)))
      .catch(() => setCampaigns([]));
    api
      .request<{ items: Array<{ name: string; nickname: string | null; unit: string | null }> }>(
        'GET',
        'relay/channels'
      )
      .then((r) => setChannels(r.body.items))
      .catch(() => setChannels([]));
  }, [api]);

  useEffect(() => {
    if (!sheet) {
      return;
    }
    let live = true;
    const path = `sheets/${encodeURIComponent(sheet)}`;
    api
      .request<Layout>('GET', `${path}/layout`)
      .then((r) => live && setLayoutOf({ sheet, layout: r.body }))
      .catch((err) => live && setLoadProblem(`Cannot read the layout of ${sheet}: ${message(err)}`));
    api
      .request<{ items: Diagnostic[] }>('GET', `${path}/diagnostics`)
      .then((r) => live && setDiagnosticsOf({ sheet, items: r.body.items }))
      .catch(() => live && setDiagnosticsOf({ sheet, items: [] }));
    return () => {
      live = false;
    };
  }, [api, sheet]);

  const fields = useMemo(() => searchFields(layout, diagnostics, channels), [layout, diagnostics, channels]);
  const byPath = useMemo(() => new Map(fields.map((f) => [f.path, f])), [fields]);
  const fieldOptions = useMemo(
    (): Array<ComboboxOption<string>> =>
      fields.map((f) => ({ label: fieldTitle(f), value: f.path, description: f.path })),
    [fields]
  );

  const run = useCallback(
    async (next: Ran) => {
      setLoading(true);
      setFailure(undefined);
      try {
        const reply = await api.request<Page>('POST', 'search', {
          body: { ...next.body, cursor: next.cursors[next.index] },
        });
        setProblems(NO_PROBLEMS);
        setRan(next);
        setPage(reply.body);
      } catch (err) {
        if (err instanceof ApiProblem && err.details.length > 0) {
          // Each refusal at its input; the alert below lists only those no input is about.
          setProblems(placeProblems(err.details, next.rowOf));
          setFailure('The relay refused the search: see the marked inputs.');
        } else {
          setFailure(message(err));
        }
      } finally {
        setLoading(false);
      }
    },
    [api]
  );

  const search = useCallback(
    (f: SearchForm) => {
      const built = buildSearch(f);
      if (Object.keys(built.errors).length) {
        setProblems({ ...NO_PROBLEMS, fields: built.errors });
        return;
      }
      writeHashParam(HASH_PARAM, encodeForm(fixedSheet ? { ...f, sheet: undefined } : f));
      void run({ body: built.body, rowOf: built.rowOf, cursors: [null], offsets: [0], index: 0 });
    },
    [run, fixedSheet]
  );

  // A search kept in the page address runs again after a refresh (once, with the form it restored).
  const restored = useRef(form);
  useEffect(() => {
    if (!readHashParam(HASH_PARAM)) {
      return;
    }
    const timer = setTimeout(() => search(restored.current), 0);
    return () => clearTimeout(timer);
  }, [search]);

  const download = async (format: 'csv' | 'json') => {
    if (!ran) {
      return;
    }
    setExporting(format);
    setFailure(undefined);
    try {
      const { blob, filename } = await api.download('search/export', { format }, exportBody(ran.body));
      saveFile(blob, filename);
    } catch (err) {
      setFailure(`The ${format.toUpperCase()} export failed: ${message(err)}`);
    } finally {
      setExporting(undefined);
    }
  };

  const columns = useMemo((): SearchField[] => {
    // The fields the search names first (what the user is looking at), then the layout's first ones.
    const named = (ran?.body.where ?? [])
      .map((c) => c.field)
      .filter((p) => p.startsWith('fields.') || p.startsWith('channels.') || p.startsWith('diagnostics.'));
    const paths = [...new Set([...named, ...layoutFields(layout).map((f) => `fields.${f.key}`)])].slice(
      0,
      Math.max(KEY_COLUMNS, named.length)
    );
    return paths.map((p) => byPath.get(p) ?? { path: p, label: p, kind: 'any', group: 'other' });
  }, [ran, layout, byPath]);

  const err = (key: string) => ({ invalid: !!problems.fields[key], error: problems.fields[key] });
  return (
    <div>
      {loadProblem && (
        <Alert
          severity="warning"
          title="Part of the search page could not be prepared"
          onRemove={() => setLoadProblem(undefined)}
        >
          {loadProblem}
        </Alert>
      )}
      <form
        aria-label="Search entries"
        onSubmit={(e) => {
          e.preventDefault();
          search(form);
        }}
      >
        <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
          {!fixedSheet && (
            <SheetPicker
              id="search-sheet"
              width={28}
              allLabel="All sheets"
              value={form.sheet}
              error={problems.fields.sheet}
              onChange={(sheet) => set({ sheet })}
            />
          )}
          <Field label="Campaign" {...err('campaign')}>
            <Combobox<string>
              id="search-campaign"
              width={28}
              value={form.campaign ?? null}
              options={campaigns.map((c) => ({ label: c, value: c }))}
              createCustomValue
              isClearable
              placeholder="any"
              onChange={(o) => set({ campaign: o?.value || undefined })}
            />
          </Field>
          <Field label="From" description="date or date-time with zone, inclusive" {...err('from')}>
            <Input
              id="search-from"
              width={26}
              placeholder="2026-11-01T08:00:00Z"
              value={form.from ?? ''}
              onChange={(e) => set({ from: e.currentTarget.value })}
            />
          </Field>
          <Field label="To" description="exclusive" {...err('to')}>
            <Input
              id="search-to"
              width={26}
              placeholder="2026-11-02"
              value={form.to ?? ''}
              onChange={(e) => set({ to: e.currentTarget.value })}
            />
          </Field>
          <Field label="Shot from" {...err('shotNumber.from')}>
            <Input
              id="search-shot-from"
              width={12}
              inputMode="numeric"
              value={form.shotFrom ?? ''}
              onChange={(e) => set({ shotFrom: e.currentTarget.value })}
            />
          </Field>
          <Field label="Shot to" {...err('shotNumber.to')}>
            <Input
              id="search-shot-to"
              width={12}
              inputMode="numeric"
              value={form.shotTo ?? ''}
              onChange={(e) => set({ shotTo: e.currentTarget.value })}
            />
          </Field>
        </Stack>
        <Field
          label="Conditions"
          description="Every condition must hold. For one of several values use 'in' with a comma-separated list."
        >
          <WhereEditor
            idPrefix="search-where"
            where={form.where}
            loadFields={fieldOptions}
            kindOf={(path) => byPath.get(path)?.kind}
            errors={problems.rows}
            onChange={(where) => set({ where })}
          />
        </Field>
        <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
          <Field label="Text" description="words that must all occur in the entry's text fields" {...err('text')}>
            <Input
              id="search-text"
              width={40}
              placeholder="pointing drift"
              value={form.text ?? ''}
              onChange={(e) => set({ text: e.currentTarget.value })}
            />
          </Field>
          <Field label="Order" {...err('sort')}>
            <RadioButtonGroup options={SORTS} value={form.sort ?? 'newest'} onChange={(sort) => set({ sort })} />
          </Field>
          <Field label="Per page" {...err('limit')}>
            <RadioButtonGroup
              options={PAGE_SIZES}
              value={form.limit ?? DEFAULT_LIMIT}
              onChange={(limit) => set({ limit })}
            />
          </Field>
        </Stack>
        <Stack direction="row" gap={1} wrap="wrap">
          <Button type="submit" icon={loading ? 'spinner' : 'search'} disabled={loading}>
            Search
          </Button>
          <Button
            type="button"
            variant="secondary"
            onClick={() => setForm({ where: [], ...(fixedSheet && { sheet: fixedSheet }) })}
          >
            Clear
          </Button>
          <Button
            type="button"
            variant="secondary"
            icon={exporting === 'csv' ? 'spinner' : 'download-alt'}
            disabled={!ran || !!exporting}
            onClick={() => download('csv')}
          >
            Export CSV
          </Button>
          <Button
            type="button"
            variant="secondary"
            icon={exporting === 'json' ? 'spinner' : 'download-alt'}
            disabled={!ran || !!exporting}
            onClick={() => download('json')}
          >
            Export JSON
          </Button>
        </Stack>
      </form>
      {(failure || problems.other.length > 0 || problems.fields.cursor) && (
        <Alert severity="error" title="The search failed">
          {failure}
          {[...problems.other, ...(problems.fields.cursor ? [`cursor ${problems.fields.cursor}`] : [])].map((p) => (
            <div key={p}>{p}</div>
          ))}
        </Alert>
      )}
      {page && ran && (
        <div className={styles.bar}>
          <Results
            page={page}
            offset={ran.offsets[ran.index] ?? 0}
            columns={columns}
            showSheet={!ran.body.sheet}
            loading={loading}
            onPrevious={ran.index > 0 ? () => run({ ...ran, index: ran.index - 1 }) : undefined}
            onNext={
              page.nextCursor
                ? () =>
                    run({
                      ...ran,
                      cursors: [...ran.cursors.slice(0, ran.index + 1), page.nextCursor],
                      offsets: [
                        ...ran.offsets.slice(0, ran.index + 1),
                        (ran.offsets[ran.index] ?? 0) + page.items.length,
                      ],
                      index: ran.index + 1,
                    })
                : undefined
            }
          />
        </div>
      )}
    </div>
  );
}

export default ShotSearch;
