import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import type { ChoiceListSummary, Diagnostic, Preset, Sheet } from '../FieldDefinitionEditor/types';
import { ReadOnlyNote } from '../SheetEditor/ReadOnlyNote';
import { SheetList } from '../SheetEditor/SheetList';
import { useRole } from '../SheetEditor/useRole';
import { DiagnosticForm } from './DiagnosticForm';
import { ItemPicker } from './ItemPicker';
import { useUnsavedGuard } from '../FieldDefinitionEditor/useUnsavedGuard';
import { PresetForm } from './PresetForm';

export interface DiagnosticsEditorProps {
  /** the sheet whose diagnostics to edit; without it, the sheets are listed to pick from */
  sheet?: string;
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    display: 'grid',
    gridTemplateColumns: '240px minmax(0, 1fr)',
    gap: theme.spacing(3),
    [theme.breakpoints.down('md')]: { gridTemplateColumns: 'minmax(0, 1fr)' },
  }),
  part: css({ marginBottom: theme.spacing(4) }),
});

/** A sheet's diagnostics (typed settings) and presets (settings that prefill an entry). */
export function DiagnosticsEditor({ sheet: fixed }: DiagnosticsEditorProps) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const { role, isAdmin } = useRole();
  const [sheets, setSheets] = useState<Sheet[]>([]);
  const [picked, setPicked] = useState<string | undefined>(fixed);
  const sheet = fixed ?? picked;

  useEffect(() => {
    if (fixed) {
      return;
    }
    api
      .request<{ items: Sheet[] }>('GET', 'sheets')
      .then((r) => {
        setSheets(r.body.items);
        setPicked((p) => p ?? r.body.items[0]?.name);
      })
      .catch(() => setSheets([]));
  }, [api, fixed]);

  return (
    <div>
      <ReadOnlyNote role={role} what="diagnostics and presets" />
      <div className={fixed ? undefined : styles.page}>
        {!fixed && (
          <SheetList sheets={sheets} selected={sheet} onSelect={setPicked} isAdmin={false} onCreated={() => {}} />
        )}
        {sheet ? <SheetDiagnostics key={sheet} sheet={sheet} isAdmin={isAdmin} /> : <p>There are no sheets yet.</p>}
      </div>
    </div>
  );
}

function SheetDiagnostics({ sheet, isAdmin }: { sheet: string; isAdmin: boolean }) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[] | null>(null);
  const [presets, setPresets] = useState<Preset[]>([]);
  const [choiceLists, setChoiceLists] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  // undefined: nothing open; null: a new one
  const [diagnostic, setDiagnostic] = useState<string | null | undefined>();
  const [preset, setPreset] = useState<string | null | undefined>();
  // A form starts afresh when another item is picked, not when the one open is saved (its message stays).
  const [session, setSession] = useState(0);
  const diagnosticGuard = useUnsavedGuard((name: string | null) => {
    setDiagnostic(name);
    setSession((n) => n + 1);
  }, 'The diagnostic open');
  const presetGuard = useUnsavedGuard((name: string | null) => {
    setPreset(name);
    setSession((n) => n + 1);
  }, 'The preset open');

  useEffect(() => {
    Promise.all([
      api.request<{ items: Diagnostic[] }>('GET', `sheets/${sheet}/diagnostics`),
      api.request<{ items: Preset[] }>('GET', `sheets/${sheet}/presets`),
    ]).then(
      ([d, p]) => {
        setDiagnostics(d.body.items);
        setPresets(p.body.items);
      },
      (e) => setError(messageOf(e))
    );
    api
      .request<{ items: ChoiceListSummary[] }>('GET', 'choices')
      .then((r) => setChoiceLists(r.body.items.map((l) => l.name)))
      .catch(() => setChoiceLists([]));
  }, [api, sheet]);

  if (error) {
    return (
      <Alert severity="error" title={`Could not load the diagnostics of "${sheet}"`}>
        {error}
      </Alert>
    );
  }
  if (!diagnostics) {
    return <LoadingPlaceholder text="Loading diagnostics…" />;
  }
  const upsert = <T extends { name: string }>(list: T[], item: T) =>
    [...list.filter((x) => x.name !== item.name), item].sort((a, b) => a.name.localeCompare(b.name));
  const openDiagnostic = diagnostic === null ? null : diagnostics.find((d) => d.name === diagnostic);
  const openPreset = preset === null ? null : presets.find((p) => p.name === preset);

  return (
    <div>
      <div className={styles.part}>
        <Text element="h2">Diagnostics of {sheet}</Text>
        <ItemPicker
          label="Diagnostics"
          items={diagnostics}
          selected={diagnostic ?? (diagnostic === null ? null : '')}
          onSelect={diagnosticGuard.request}
          newLabel={isAdmin ? 'New diagnostic' : undefined}
        />
        {diagnosticGuard.prompt}
        {openDiagnostic !== undefined && (
          <DiagnosticForm
            key={session}
            sheet={sheet}
            diagnostic={openDiagnostic}
            choiceLists={choiceLists}
            isAdmin={isAdmin}
            onDirtyChange={diagnosticGuard.setDirty}
            onSaved={(d) => {
              setDiagnostics(upsert(diagnostics, d));
              setDiagnostic(d.name);
            }}
            onDeleted={(name) => {
              setDiagnostics(diagnostics.filter((d) => d.name !== name));
              setDiagnostic(undefined);
            }}
          />
        )}
      </div>
      <div className={styles.part}>
        <Text element="h2">Presets</Text>
        <ItemPicker
          label="Presets"
          items={presets}
          selected={preset ?? (preset === null ? null : '')}
          onSelect={presetGuard.request}
          newLabel={isAdmin ? 'New preset' : undefined}
        />
        {presetGuard.prompt}
        {openPreset !== undefined && (
          <PresetForm
            key={session}
            sheet={sheet}
            preset={openPreset}
            diagnostics={diagnostics}
            isAdmin={isAdmin}
            onDirtyChange={presetGuard.setDirty}
            onSaved={(p) => {
              setPresets(upsert(presets, p));
              setPreset(p.name);
            }}
            onDeleted={(name) => {
              setPresets(presets.filter((p) => p.name !== name));
              setPreset(undefined);
            }}
          />
        )}
      </div>
    </div>
  );
}

export default DiagnosticsEditor;
