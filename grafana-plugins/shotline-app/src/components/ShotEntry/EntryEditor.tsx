import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { ApiProblem, type FieldProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { ShotForm } from '../ShotForm/ShotForm';
import { defaultsOf, errorTarget, firstEmptyInputId, layoutFields } from '../ShotForm/logic';
import type { Entry, EntryStatus, Layout } from '../../api/sheetTypes';
import type { ShotFormValues } from '../ShotForm/types';
import { changesFrom, disagreements, isUnchanged, mergeValues, type Disagreement } from './changes';
import { entryPath, loadEntry, loadLayoutVersion, sheetPath, useLoad, type SheetModel } from './data';
import { clearDraft, readDraft, writeDraft } from './localDraft';
import { MergeView } from './MergeView';
import { RevisionHistory } from './RevisionHistory';

export interface EntryEditorProps {
  model: SheetModel;
  /** the entry to edit; null: a new entry for `shotNumber` (POST) */
  entry: Entry | null;
  shotNumber?: number | null;
  editable: boolean;
  compact?: boolean;
  pinned?: string[];
  /** put the cursor in the first field still to fill */
  autoFocus?: boolean;
  idPrefix: string;
  onSaved?: (entry: Entry) => void;
  /** the first change of a value (the entry is being worked on: keep it open) */
  onEdit?: () => void;
}

/** Loads the layout version the entry was written with, then edits it. */
export function EntryEditor(props: EntryEditorProps) {
  const { model, entry } = props;
  const version = entry?.layoutVersion ?? model.layout.version ?? 0;
  const layout = useLoad(`${model.sheet}@${version}`, (api) => loadLayoutVersion(api, model, version));
  if (layout.error) {
    return (
      <Alert severity="error" title={`Layout version ${version} could not be read`}>
        {layout.error}
      </Alert>
    );
  }
  if (!layout.data) {
    return <LoadingPlaceholder text="Reading the layout…" />;
  }
  return <EditorBody {...props} layout={layout.data} />;
}

const valuesOf = (e: Entry): ShotFormValues => ({ fields: e.fields ?? {}, diagnostics: e.diagnostics ?? {} });

interface Conflict {
  theirs: Entry;
  rows: Disagreement[];
  status: EntryStatus;
}

type Message = { kind: 'success' | 'error' | 'info'; text: string };

function EditorBody({
  model,
  entry,
  shotNumber = null,
  editable,
  compact,
  pinned,
  autoFocus,
  idPrefix,
  onSaved,
  onEdit,
  layout,
}: EntryEditorProps & { layout: Layout }) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const sheet = model.sheet;
  const target = entry ? entry.id : `shot-${shotNumber}`;
  const fresh = useMemo<ShotFormValues>(
    () => (entry ? valuesOf(entry) : { fields: defaultsOf(layoutFields(layout.sections)), diagnostics: {} }),
    // The starting values of this entry; later changes of the prop object do not reset the form.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [target]
  );
  // Changes kept in this browser from before: restored, on the entry they were made on (an older
  // revision makes the save a conflict, shown as a merge, never a silent overwrite).
  const [restored] = useState(() => {
    const d = editable ? readDraft(sheet, target) : undefined;
    return d && !isUnchanged(fresh, d.values) ? d : undefined;
  });
  const [base, setBase] = useState<Entry | null>(restored?.base ?? entry);
  const [values, setValues] = useState<ShotFormValues>(restored?.values ?? fresh);
  const [restoredAt, setRestoredAt] = useState<string | undefined>(restored?.savedAt);
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<Message | undefined>();
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const [showHistory, setShowHistory] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const baseValues = useMemo(() => (base ? valuesOf(base) : fresh), [base, fresh]);
  const dirty = !isUnchanged(baseValues, values);

  useEffect(() => {
    if (!editable) {
      return;
    }
    if (dirty) {
      writeDraft(sheet, target, { base, shotNumber, values });
    } else {
      clearDraft(sheet, target);
    }
  }, [editable, dirty, sheet, target, base, shotNumber, values]);

  useEffect(() => {
    if (autoFocus && editable) {
      const id = firstEmptyInputId(layout.sections, model.diagnostics, values, idPrefix, pinned);
      (id ? document.getElementById(id) : box.current?.querySelector<HTMLElement>('input, textarea'))?.focus();
    }
    // Only when an entry opens, not on every keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target]);

  const onChange = (next: ShotFormValues) => {
    // Some inputs report their value again without a change (a select whose options arrive).
    if (isUnchanged(values, next)) {
      return;
    }
    // An error goes once the value it is about changes.
    const changed = changesFrom(values, next);
    const touched = new Set([
      ...Object.keys(changed.fields ?? {}).map((k) => `f:${k}`),
      ...Object.keys(changed.diagnostics ?? {}).map((n) => `d:${n}`),
    ]);
    setErrors((errs) =>
      errs.filter((e) => {
        const t = errorTarget(e.field);
        return !(t.kind === 'field'
          ? touched.has(`f:${t.key}`)
          : t.kind !== 'other' && touched.has(`d:${t.diagnostic}`));
      })
    );
    setValues(next);
    onEdit?.();
  };

  const refused = async (err: unknown, status: EntryStatus, on: Entry | null, vals: ShotFormValues) => {
    if (!(err instanceof ApiProblem)) {
      setMessage({
        kind: 'error',
        text: `Not saved: ${err instanceof Error ? err.message : String(err)}. Your values are kept in this browser; try again.`,
      });
      return;
    }
    const body = (err.body ?? {}) as { current?: Entry; entryId?: string };
    if (err.status === 400 && err.details.length > 0) {
      setErrors(err.details);
      setMessage({
        kind: 'error',
        text: `Not saved: ${err.details.length} value${err.details.length === 1 ? '' : 's'} to fix (marked below).`,
      });
      // Keyboard users land on the first field to fix.
      setTimeout(() => box.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    if (err.status === 409 && (body.current || body.entryId)) {
      const theirs = body.current ?? (await loadEntry(api, sheet, body.entryId!).catch(() => undefined));
      if (theirs) {
        const from = on ? valuesOf(on) : { fields: {}, diagnostics: {} };
        setConflict({
          theirs,
          status,
          rows: disagreements(from, vals, valuesOf(theirs), layoutFields(layout.sections), model.diagnostics),
        });
        return;
      }
    }
    setMessage({ kind: 'error', text: `Not saved: ${err.message}` });
  };

  const save = useCallback(
    async (status: EntryStatus, on: Entry | null = base, vals: ShotFormValues = values) => {
      if (!editable || saving) {
        return;
      }
      setSaving(true);
      setMessage(undefined);
      try {
        const reply = on
          ? await api.request<Entry>('PATCH', entryPath(sheet, on.id), {
              ifMatch: `"${on.revision}"`,
              body: { status, ...changesFrom(valuesOf(on), vals) },
            })
          : await api.request<Entry>('POST', sheetPath(sheet, '/entries'), {
              body: {
                ...(shotNumber !== null && { shotNumber }),
                status,
                fields: vals.fields,
                diagnostics: vals.diagnostics,
              },
            });
        const saved = reply.body;
        clearDraft(sheet, target);
        setBase(saved);
        setValues(valuesOf(saved));
        setErrors([]);
        setConflict(undefined);
        setRestoredAt(undefined);
        setMessage({
          kind: 'success',
          text: `Saved${saved.shotNumber !== null ? ` shot ${saved.shotNumber}` : ''} as ${saved.status} (revision ${saved.revision}).`,
        });
        onSaved?.(saved);
      } catch (err) {
        await refused(err, status, on, vals);
      } finally {
        setSaving(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, base, values, editable, saving, sheet, target, shotNumber, onSaved]
  );

  const resolve = (choice: Record<string, 'mine' | 'theirs'>) => {
    if (!conflict) {
      return;
    }
    const merged = mergeValues(valuesOf(conflict.theirs), conflict.rows, choice);
    setBase(conflict.theirs);
    setValues(merged);
    save(conflict.status, conflict.theirs, merged);
  };

  const discard = () => {
    clearDraft(sheet, target);
    setBase(entry);
    setValues(fresh);
    setErrors([]);
    setRestoredAt(undefined);
    setMessage(undefined);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !conflict) {
      e.preventDefault();
      save('complete');
    }
  };

  const shown = base ?? entry;
  const number = shown?.shotNumber ?? shotNumber;
  const canDraft = !shown || shown.status === 'draft';

  return (
    <div ref={box} className={styles.editor} onKeyDown={onKeyDown} data-testid="shot-entry-editor">
      <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
        <h2 className={styles.title}>{number !== null ? `Shot ${number}` : 'Entry without a shot'}</h2>
        {shown ? (
          <>
            <Badge text={shown.status} color={shown.status === 'complete' ? 'green' : 'orange'} />
            <Text color="secondary" variant="bodySmall">
              revision {shown.revision}
              {shown.campaign ? ` · ${shown.campaign}` : ''}
              {shown.receivedAt ? ` · shot at ${new Date(shown.receivedAt).toLocaleString()}` : ''}
            </Text>
          </>
        ) : (
          <Badge text="new entry" color="blue" />
        )}
      </Stack>
      {!editable && (
        <Alert severity="info" title="Read-only">
          Your role may read entries but not change them.
        </Alert>
      )}
      {restoredAt && dirty && (
        <Alert severity="info" title="Unsaved changes restored" data-testid="shot-entry-restored">
          <Stack direction="column" gap={1}>
            <Text>
              Your changes from {new Date(restoredAt).toLocaleString()} were kept in this browser and are back in the
              form: save them, or discard them to see the entry as stored.
            </Text>
            <div>
              <Button size="sm" variant="secondary" onClick={discard}>
                Discard them
              </Button>
            </div>
          </Stack>
        </Alert>
      )}
      {message && (
        <div role="status" aria-live="polite">
          <Alert severity={message.kind} title={message.text} onRemove={() => setMessage(undefined)} />
        </div>
      )}
      {conflict ? (
        <MergeView
          theirs={conflict.theirs}
          rows={conflict.rows}
          busy={saving}
          onResolve={resolve}
          onCancel={() => setConflict(undefined)}
        />
      ) : (
        <>
          <ShotForm
            layout={layout}
            diagnostics={model.diagnostics}
            presets={model.presets}
            values={values}
            onChange={onChange}
            errors={errors}
            disabled={!editable || saving}
            pinned={pinned}
            compact={compact}
            idPrefix={idPrefix}
          />
          {editable && (
            <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
              <Button
                onClick={() => save('complete')}
                disabled={saving}
                icon={saving ? 'spinner' : 'save'}
                aria-keyshortcuts="Control+Enter"
              >
                Save
              </Button>
              {canDraft && (
                <Button variant="secondary" onClick={() => save('draft')} disabled={saving}>
                  Save as draft
                </Button>
              )}
              {dirty && (
                <Button variant="secondary" fill="text" onClick={discard} disabled={saving}>
                  Discard changes
                </Button>
              )}
              <Text variant="bodySmall" color="secondary">
                Ctrl+Enter saves
              </Text>
            </Stack>
          )}
        </>
      )}
      {shown && (
        <div>
          <Button
            variant="secondary"
            fill="text"
            icon={showHistory ? 'angle-down' : 'angle-right'}
            aria-expanded={showHistory}
            onClick={() => setShowHistory((s) => !s)}
          >
            History
          </Button>
          {showHistory && (
            <RevisionHistory
              sheet={sheet}
              entryId={shown.id}
              revision={shown.revision}
              fields={layoutFields(layout.sections)}
              diagnostics={model.diagnostics}
            />
          )}
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  title: css({ ...theme.typography.h4, margin: 0 }),
});
