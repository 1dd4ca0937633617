import React, { useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { moved, useFocusAfterMove } from '../FieldDefinitionEditor/FieldList';
import { messageOf, ProblemList } from '../FieldDefinitionEditor/ProblemList';
import { noProblems, routeProblems, type ProblemIndex } from '../FieldDefinitionEditor/problems';
import type { ChoiceListSummary, Diagnostic, Layout } from '../../api/sheetTypes';
import { allFields, fromSections, newSection, toLayoutBody, type SectionDraft } from './layoutDraft';
import { LayoutPreview } from './LayoutPreview';
import { SectionEditor } from './SectionEditor';

interface Props {
  sheet: string;
  isAdmin: boolean;
  /** a new version was stored */
  onSaved?: (layout: Layout) => void;
  /** whether there are edits not saved yet (the page asks before leaving them) */
  onDirtyChange?: (dirty: boolean) => void;
}

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)',
    gap: theme.spacing(3),
    alignItems: 'start',
    [theme.breakpoints.down('lg')]: { gridTemplateColumns: 'minmax(0, 1fr)' },
  }),
  preview: css({
    position: 'sticky',
    top: theme.spacing(1),
    maxHeight: '95vh',
    overflowY: 'auto',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
});

type Outcome =
  | { kind: 'saved'; version: number }
  | { kind: 'refused'; message: string }
  | { kind: 'conflict'; message: string; current: number };

/** Edit the layout of a sheet beside a live preview; save stores a new version. */
export function LayoutEditor({ sheet, isAdmin, onSaved, onDirtyChange }: Props) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [loaded, setLoaded] = useState<Layout | null>(null);
  const [sections, setSections] = useState<SectionDraft[]>([]);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [choiceLists, setChoiceLists] = useState<string[]>([]);
  const [problems, setProblems] = useState<ProblemIndex>(noProblems);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [loadError, setLoadError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  const focusAfterMove = useFocusAfterMove();
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  // bumped to read the stored layout again (after a failed load, or to drop edits after a conflict)
  const [generation, setGeneration] = useState(0);
  const load = () => setGeneration((g) => g + 1);
  useEffect(() => {
    let live = true;
    api.request<Layout>('GET', `sheets/${sheet}/layout`).then(
      (reply) => {
        if (live) {
          setLoadError(undefined);
          setOutcome(null);
          setLoaded(reply.body);
          setSections(fromSections(reply.body.sections));
          setProblems(noProblems());
          setDirty(false);
        }
      },
      (e) => live && setLoadError(messageOf(e))
    );
    return () => {
      live = false;
    };
  }, [api, sheet, generation]);

  useEffect(() => {
    // Names to offer in the editors; the editor works without them (names can be typed).
    api
      .request<{ items: Diagnostic[] }>('GET', `sheets/${sheet}/diagnostics`)
      .then((r) => setDiagnostics(r.body.items))
      .catch(() => setDiagnostics([]));
    api
      .request<{ items: ChoiceListSummary[] }>('GET', 'choices')
      .then((r) => setChoiceLists(r.body.items.map((l) => l.name)))
      .catch(() => setChoiceLists([]));
  }, [api, sheet]);

  const fields = useMemo(() => allFields(sections), [sections]);
  const diagnosticNames = useMemo(() => diagnostics.map((d) => d.name), [diagnostics]);
  const edit = (next: SectionDraft[]) => {
    setSections(next);
    setDirty(true);
  };

  const save = async (base: number | undefined) => {
    const { body, problems: local, owners } = toLayoutBody(sections);
    setOutcome(null);
    if (local.length > 0) {
      setProblems(routeProblems(local, owners));
      setOutcome({ kind: 'refused', message: 'Some values are not valid: fix the marked fields, then save.' });
      return;
    }
    setBusy(true);
    try {
      const reply = await api.request<Layout>('PUT', `sheets/${sheet}/layout`, {
        body,
        ifMatch: base === undefined ? undefined : String(base),
      });
      setLoaded(reply.body);
      setProblems(noProblems());
      setDirty(false);
      setOutcome({ kind: 'saved', version: reply.body.version });
      onSaved?.(reply.body);
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 409) {
        const current = (e.body as { current?: Layout } | undefined)?.current?.version;
        setOutcome({ kind: 'conflict', message: e.message, current: current ?? NaN });
      } else {
        setProblems(e instanceof ApiProblem ? routeProblems(e.details, owners) : noProblems());
        setOutcome({ kind: 'refused', message: messageOf(e) });
      }
    } finally {
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <Alert severity="error" title={`Could not load the layout of "${sheet}"`}>
        {loadError}{' '}
        <Button size="sm" variant="secondary" onClick={load}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!loaded) {
    return <LoadingPlaceholder text="Loading the layout…" />;
  }

  return (
    <div className={styles.columns}>
      <div>
        <Stack direction="row" gap={2} alignItems="center" wrap="wrap">
          <Text element="h3">Layout</Text>
          <Text color="secondary">
            version {loaded.version}
            {loaded.createdBy ? `, stored by ${loaded.createdBy}` : ''}
            {loaded.createdAt && loaded.createdAt !== new Date(0).toISOString() ? ` at ${loaded.createdAt}` : ''}
            {dirty ? ' — unsaved changes' : ''}
          </Text>
        </Stack>
        {outcome?.kind === 'saved' && (
          <Alert severity="success" title={`Saved as layout version ${outcome.version}`}>
            New entries use it; existing entries keep the version they were written with.
          </Alert>
        )}
        {outcome?.kind === 'refused' && <ProblemList title={outcome.message} problems={problems.general} />}
        {outcome?.kind === 'conflict' && (
          <Alert severity="warning" title="The layout changed meanwhile">
            <p>{outcome.message}</p>
            <Stack direction="row" gap={1}>
              <Button size="sm" onClick={() => save(Number.isFinite(outcome.current) ? outcome.current : undefined)}>
                Save mine as the next version anyway
              </Button>
              <Button size="sm" variant="secondary" onClick={load}>
                Load the current layout (drops my changes)
              </Button>
            </Stack>
          </Alert>
        )}
        {sections.length === 0 && <p>This layout has no sections yet.</p>}
        {sections.map((section, index) => (
          <SectionEditor
            key={section.id}
            section={section}
            index={index}
            count={sections.length}
            onChange={(next) => edit(sections.map((s) => (s.id === section.id ? next : s)))}
            onMove={(delta) => {
              focusAfterMove(section.id, delta);
              edit(moved(sections, index, delta));
            }}
            onRemove={() => edit(sections.filter((s) => s.id !== section.id))}
            problems={problems}
            allFields={fields}
            choiceLists={choiceLists}
            diagnosticNames={diagnosticNames}
            readOnly={!isAdmin}
          />
        ))}
        {isAdmin && (
          <Stack direction="row" gap={1}>
            <Button
              variant="secondary"
              icon="plus"
              onClick={() => edit([...sections, newSection(`Section ${sections.length + 1}`)])}
            >
              Add section
            </Button>
            <Button icon="save" disabled={busy} onClick={() => save(loaded.version)}>
              {busy ? 'Saving…' : 'Save as new version'}
            </Button>
          </Stack>
        )}
      </div>
      <div className={styles.preview}>
        <LayoutPreview sections={sections} diagnostics={diagnostics} />
      </div>
    </div>
  );
}
