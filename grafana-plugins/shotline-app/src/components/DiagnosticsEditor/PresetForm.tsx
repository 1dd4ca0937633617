import React, { useState } from 'react';
import { Button, Checkbox, Field, Input, Stack, useStyles2 } from '@grafana/ui';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

import { ApiProblem, type FieldProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { ConfirmDelete } from '../FieldDefinitionEditor/ConfirmDelete';
import { SaveOutcome, useSaving } from '../FieldDefinitionEditor/saving';
import { problemsAt } from '../FieldDefinitionEditor/problems';
import { SLUG, SLUG_TEXT, type Diagnostic, type DiagnosticBlock, type Preset } from '../../api/sheetTypes';
import { ShotForm } from '../ShotForm/ShotForm';

interface Props {
  sheet: string;
  /** null: a new preset */
  preset: Preset | null;
  diagnostics: Diagnostic[];
  isAdmin: boolean;
  onSaved: (p: Preset) => void;
  onDeleted: (name: string) => void;
  /** whether there are edits not saved yet */
  onDirtyChange?: (dirty: boolean) => void;
}

const getStyles = (theme: GrafanaTheme2) => ({
  block: css({
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    paddingLeft: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
});

/** The relay's problems of one diagnostic's settings, as the settings form names them (`fields.<key>`). */
function settingProblems(problems: FieldProblem[], diagnostic: string): FieldProblem[] {
  const prefix = `diagnostics.${diagnostic}.settings.`;
  return problems
    .filter((p) => p.field.startsWith(prefix))
    .map((p) => ({ field: `fields.${p.field.slice(prefix.length)}`, message: p.message }));
}

/** A preset: which diagnostics it fills, whether they are active, and their settings. */
export function PresetForm({ sheet, preset, diagnostics, isAdmin, onSaved, onDeleted, onDirtyChange }: Props) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const isNew = preset === null;
  const [name, setName] = useState(preset?.name ?? '');
  const [label, setLabel] = useState(preset?.label ?? '');
  const [blocks, setBlocks] = useState<Record<string, DiagnosticBlock>>(preset?.diagnostics ?? {});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const { outcome, setOutcome, busy, setDirty, run } = useSaving(onDirtyChange);
  const idBase = `preset-${preset?.name ?? 'new'}`;
  const setBlock = (diag: string, block: DiagnosticBlock | null) => {
    setDirty(true);
    setBlocks((all) => {
      const next = { ...all };
      if (block) {
        next[diag] = block;
      } else {
        delete next[diag];
      }
      return next;
    });
  };

  const save = async () => {
    setOutcome(null);
    if (isNew && !SLUG.test(name)) {
      setProblems([{ field: 'name', message: `must be ${SLUG_TEXT}` }]);
      return;
    }
    const saved = await run(
      async () =>
        (
          await api.request<Preset>('PUT', `sheets/${sheet}/presets/${name}`, {
            body: { ...(label.trim() !== '' && { label: label.trim() }), diagnostics: blocks },
          })
        ).body,
      (p) => `Saved preset "${p.name}" (revision ${p.revision})`,
      (e) => setProblems(e instanceof ApiProblem ? e.details : [])
    );
    if (saved) {
      setProblems([]);
      onSaved(saved);
    }
  };

  const remove = async () => {
    const deleted = await run(
      () => api.request('DELETE', `sheets/${sheet}/presets/${name}`),
      () => `Deleted preset "${name}"`
    );
    if (deleted) {
      onDeleted(name);
    }
  };

  // Settings problems show in their diagnostic's form; the rest (active, unknown diagnostic, label) on top.
  const unplaced = problems.filter(
    (p) => !/^diagnostics\.[^.]+\.settings\./.test(p.field) && p.field !== 'name' && p.field !== 'label'
  );

  return (
    <section aria-label={isNew ? 'New preset' : `Preset ${preset.label}`}>
      <SaveOutcome outcome={outcome} problems={unplaced} />
      <Stack direction="row" gap={2} wrap="wrap">
        {isNew && (
          <Field
            label="Preset name"
            description={SLUG_TEXT}
            invalid={!!problemsAt(problems, 'name')}
            error={problemsAt(problems, 'name')}
          >
            <Input
              id={`${idBase}-name`}
              width={30}
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setDirty(true);
              }}
            />
          </Field>
        )}
        <Field label="Preset label" invalid={!!problemsAt(problems, 'label')} error={problemsAt(problems, 'label')}>
          <Input
            id={`${idBase}-label`}
            width={40}
            disabled={!isAdmin}
            value={label}
            placeholder={name}
            onChange={(e) => {
              setLabel(e.currentTarget.value);
              setDirty(true);
            }}
          />
        </Field>
      </Stack>
      {diagnostics.length === 0 && <p>The sheet has no diagnostics: add one above first.</p>}
      {diagnostics.map((d) => {
        const block = blocks[d.name];
        return (
          <div key={d.name} className={styles.block}>
            <Stack direction="row" gap={3}>
              <Checkbox
                label={`Fills ${d.label}`}
                disabled={!isAdmin}
                value={block !== undefined}
                onChange={(e) => setBlock(d.name, e.currentTarget.checked ? { active: true, settings: {} } : null)}
              />
              {block && (
                <Checkbox
                  label={`${d.label} active`}
                  disabled={!isAdmin}
                  value={block.active}
                  onChange={(e) => setBlock(d.name, { ...block, active: e.currentTarget.checked })}
                />
              )}
            </Stack>
            {block && d.fields.length > 0 && (
              <ShotForm
                layout={{ sections: [{ title: `${d.label} settings`, fields: d.fields }] }}
                values={{ fields: block.settings, diagnostics: {} }}
                onChange={(v) => setBlock(d.name, { ...block, settings: v.fields })}
                errors={settingProblems(problems, d.name)}
                disabled={!isAdmin}
                compact
                idPrefix={`${idBase}-${d.name}`}
              />
            )}
          </div>
        );
      })}
      {isAdmin && (
        <Stack direction="row" gap={1}>
          <Button icon="save" disabled={busy} onClick={save}>
            {isNew ? 'Create preset' : 'Save preset'}
          </Button>
          {!isNew && <ConfirmDelete label="Delete preset" onConfirm={remove} disabled={busy} />}
        </Stack>
      )}
    </section>
  );
}
