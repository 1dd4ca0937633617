import React, { useMemo, useState } from 'react';
import { Button, Field, Input, Stack, TextArea } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { fromFieldDef, toFieldDefs, typeLookup, type FieldDraft } from '../FieldDefinitionEditor/draft';
import { FieldList } from '../FieldDefinitionEditor/FieldList';
import { ConfirmDelete } from '../FieldDefinitionEditor/ConfirmDelete';
import { SaveOutcome, useSaving } from '../FieldDefinitionEditor/saving';
import { noProblems, problemsAt, routeProblems, type ProblemIndex } from '../FieldDefinitionEditor/problems';
import { SLUG, SLUG_TEXT, type Diagnostic } from '../../api/sheetTypes';

interface Props {
  sheet: string;
  /** null: a new diagnostic (its name is asked for) */
  diagnostic: Diagnostic | null;
  choiceLists: string[];
  isAdmin: boolean;
  onSaved: (d: Diagnostic) => void;
  onDeleted: (name: string) => void;
  /** whether there are edits not saved yet */
  onDirtyChange?: (dirty: boolean) => void;
}

// Paths the form itself shows; the rest go to the field editors or the list on top.
const FORM_PROPS = ['name', 'label', 'help'];

/** One diagnostic: its label, help and typed settings (the same field editor as layouts, without a diagnostics block). */
export function DiagnosticForm({ sheet, diagnostic, choiceLists, isAdmin, onSaved, onDeleted, onDirtyChange }: Props) {
  const api = useShotlineApi();
  const [name, setName] = useState(diagnostic?.name ?? '');
  const [label, setLabel] = useState(diagnostic?.label ?? '');
  const [help, setHelp] = useState(diagnostic?.help ?? '');
  const [fields, setFields] = useState<FieldDraft[]>(() => (diagnostic?.fields ?? []).map(fromFieldDef));
  const [problems, setProblems] = useState<ProblemIndex>(noProblems);
  const { outcome, setOutcome, busy, setDirty, run } = useSaving(onDirtyChange);
  const touched =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setDirty(true);
    };
  const isNew = diagnostic === null;
  const idBase = `diag-${diagnostic?.name ?? 'new'}`;
  const formProblems = useMemo(() => problems.general.filter((p) => FORM_PROPS.includes(p.field)), [problems]);
  const err = (prop: string) => problemsAt(formProblems, prop);

  const save = async () => {
    const owners = new Map(fields.map((f, i) => [`fields.${i}`, f.id]));
    const { defs, problems: local } = toFieldDefs(fields, typeLookup(fields), 'fields');
    if (isNew && !SLUG.test(name)) {
      local.push({ field: 'name', message: `must be ${SLUG_TEXT}` });
    }
    setOutcome(null);
    if (local.length > 0) {
      setProblems(routeProblems(local, owners));
      setOutcome({ ok: false, message: 'Some values are not valid: fix the marked fields, then save.' });
      return;
    }
    const saved = await run(
      async () =>
        (
          await api.request<Diagnostic>('PUT', `sheets/${sheet}/diagnostics/${name}`, {
            body: { label: label.trim(), ...(help.trim() !== '' && { help }), fields: defs },
          })
        ).body,
      (d) => `Saved diagnostic "${d.name}" (revision ${d.revision})`,
      (e) => setProblems(e instanceof ApiProblem ? routeProblems(e.details, owners) : noProblems())
    );
    if (saved) {
      setProblems(noProblems());
      onSaved(saved);
    }
  };

  const remove = async () => {
    const deleted = await run(
      () => api.request('DELETE', `sheets/${sheet}/diagnostics/${name}`),
      () => `Deleted diagnostic "${name}"`
    );
    if (deleted) {
      onDeleted(name);
    }
  };

  return (
    <section aria-label={isNew ? 'New diagnostic' : `Diagnostic ${diagnostic.label}`}>
      <SaveOutcome outcome={outcome} problems={problems.general.filter((p) => !FORM_PROPS.includes(p.field))} />
      <Stack direction="row" gap={2} wrap="wrap">
        {isNew && (
          <Field label="Name" description={SLUG_TEXT} invalid={!!err('name')} error={err('name')}>
            <Input
              id={`${idBase}-name`}
              width={30}
              value={name}
              onChange={(e) => touched(setName)(e.currentTarget.value)}
            />
          </Field>
        )}
        <Field label="Label" invalid={!!err('label')} error={err('label')}>
          <Input
            id={`${idBase}-label`}
            width={40}
            disabled={!isAdmin}
            value={label}
            onChange={(e) => touched(setLabel)(e.currentTarget.value)}
          />
        </Field>
      </Stack>
      <Field label="Help" invalid={!!err('help')} error={err('help')}>
        <TextArea
          id={`${idBase}-help`}
          rows={2}
          disabled={!isAdmin}
          value={help}
          onChange={(e) => touched(setHelp)(e.currentTarget.value)}
        />
      </Field>
      <h4>Settings</h4>
      <FieldList
        label={`diagnostic ${label || name || 'new'}`}
        fields={fields}
        onChange={touched(setFields)}
        problems={problems}
        allFields={fields}
        choiceLists={choiceLists}
        diagnosticNames={[]}
        allowDiagnosticsBlock={false}
        readOnly={!isAdmin}
      />
      {isAdmin && (
        <Stack direction="row" gap={1}>
          <Button icon="save" disabled={busy} onClick={save}>
            {isNew ? 'Create diagnostic' : 'Save diagnostic'}
          </Button>
          {!isNew && <ConfirmDelete label="Delete diagnostic" onConfirm={remove} disabled={busy} />}
        </Stack>
      )}
    </section>
  );
}
