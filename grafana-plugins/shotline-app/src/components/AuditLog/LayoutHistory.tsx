import React, { useEffect, useState } from 'react';
import { Alert, Button, LoadingPlaceholder } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { diffValues, type Change } from './diff';
import { DiffList } from './DiffList';
import { SheetPicker } from '../SheetPicker/SheetPicker';
import { formatTime } from '../shared/format';
import { Table } from '../shared/Table';
import type { Layout } from '../../api/sheetTypes';

/** `GET sheets/<sheet>/layout/versions` items. */
type Version = Pick<Layout, 'version' | 'createdAt' | 'createdBy'>;

/** A layout's fields by key, each with its section, so a moved or changed field reads as such. */
function byKey(layout: Pick<Layout, 'sections'> | null): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const s of layout?.sections ?? []) {
    for (const f of s.fields) {
      const { key, ...rest } = f;
      out[key] = { section: s.title, ...rest };
    }
  }
  return out;
}

export function layoutChanges(before: Pick<Layout, 'sections'> | null, after: Pick<Layout, 'sections'>): Change[] {
  return diffValues(byKey(before), byKey(after));
}

/** Who stored which layout version of a sheet, and what each changed. */
export function LayoutHistory() {
  const api = useShotlineApi();
  const [sheet, setSheet] = useState<string>();
  const [versions, setVersions] = useState<Version[]>();
  const [open, setOpen] = useState<number>();
  const [changes, setChanges] = useState<Record<number, Change[] | string>>({});
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!sheet) {
      return;
    }
    setVersions(undefined);
    setChanges({});
    setOpen(undefined);
    api
      .request<{ items: Version[] }>('GET', `sheets/${encodeURIComponent(sheet)}/layout/versions`)
      .then((r) => {
        setVersions(r.body.items);
        setError(undefined);
      })
      .catch((err) => setError(err instanceof Error ? err.message : String(err)));
  }, [api, sheet]);

  const show = async (version: number) => {
    setOpen(open === version ? undefined : version);
    if (!sheet || changes[version]) {
      return;
    }
    const path = `sheets/${encodeURIComponent(sheet)}/layout/versions`;
    try {
      const [after, before] = await Promise.all([
        api.request<Layout>('GET', `${path}/${version}`).then((r) => r.body),
        version > 1 ? api.request<Layout>('GET', `${path}/${version - 1}`).then((r) => r.body) : Promise.resolve(null),
      ]);
      setChanges((c) => ({ ...c, [version]: layoutChanges(before, after) }));
    } catch (err) {
      setChanges((c) => ({ ...c, [version]: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <div>
      <SheetPicker id="audit-layout-sheet" value={sheet} onChange={setSheet} includeArchived />
      {error && (
        <Alert severity="error" title="Cannot read the layout versions">
          {error}
        </Alert>
      )}
      {sheet && !versions && !error && <LoadingPlaceholder text="Reading the layout versions…" />}
      {versions && (
        <Table label="Layout versions" columns={['Version', 'When', 'Who', 'Changes']}>
          {versions.map((v) => {
            const c = changes[v.version];
            return (
              <tr key={v.version}>
                <td>{v.version}</td>
                <td>{formatTime(v.createdAt)}</td>
                <td>{v.createdBy}</td>
                <td>
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-expanded={open === v.version}
                    onClick={() => show(v.version)}
                  >
                    {open === v.version ? 'Hide' : 'Show'} changes of version {v.version}
                  </Button>
                  {open === v.version &&
                    (c === undefined ? (
                      <LoadingPlaceholder text="Comparing…" />
                    ) : typeof c === 'string' ? (
                      <div role="alert">{c}</div>
                    ) : (
                      <DiffList changes={c} empty={v.version === 1 ? 'the first version' : 'no field changed'} />
                    ))}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </div>
  );
}
