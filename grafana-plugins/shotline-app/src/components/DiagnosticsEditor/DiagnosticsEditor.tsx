import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { useMe } from '../../api/useMe';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import type { ChoiceListSummary, Diagnostic, Preset } from '../../api/sheetTypes';
import { ReadOnlyNote } from '../SheetEditor/ReadOnlyNote';
import { SheetPicker } from '../SheetPicker/SheetPicker';
import { DiagnosticForm } from './DiagnosticForm';
import { ItemPicker } from './ItemPicker';
import { useUnsavedGuard } from '../FieldDefinitionEditor/useUnsavedGuard';
import { PresetForm } from './PresetForm';

export interface DiagnosticsEditorProps {
  /** the sheet whose diagnostics to edit; without it, the sheets are listed to pick from */
  sheet?: string;
}

const getStyles = (theme: GrafanaTheme2) => ({
  part: css({ marginBottom: theme.spacing(4) }),
});

/** A sheet's diagnostics (typed settings) and presets (settings that prefill an entry). */
export function DiagnosticsEditor({ sheet: fixed }: DiagnosticsEditorProps) {
  const styles = useStyles2(getStyles);
  const { me, error: meError, can } = useMe();
  const isAdmin = can('admin');
  const [picked, setPicked] = useState<string>();
  const [sheetCount, setSheetCount] = useState<number>();
  const sheet = fixed ?? picked;

  return (
    <div>
      <ReadOnlyNote me={me} error={meError} what="diagnostics and presets" />
      {!fixed && (
        <div className={styles.part}>
          <SheetPicker
            id="diagnostics-sheet"
            value={picked}
            onChange={setPicked}
            onLoaded={(list) => setSheetCount(list.length)}
          />
        </div>
      )}
      {sheet ? (
        <SheetDiagnostics key={sheet} sheet={sheet} isAdmin={isAdmin} />
      ) : (
        sheetCount === 0 && <p>There are no sheets yet.</p>
      )}
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
