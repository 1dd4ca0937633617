import React, { useState } from 'react';
import { Badge, Button, Field, Input, Stack } from '@grafana/ui';

import { ApiProblem, type FieldProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { NavList } from '../FieldDefinitionEditor/NavList';
import { messageOf, ProblemList } from '../FieldDefinitionEditor/ProblemList';
import { problemsAt } from '../FieldDefinitionEditor/problems';
import { NAME, NAME_TEXT, type Sheet } from '../../api/sheetTypes';

interface Props {
  sheets: Sheet[];
  selected?: string;
  onSelect: (name: string) => void;
  isAdmin: boolean;
  /** a sheet was created: reload the list and select it */
  onCreated: (sheet: Sheet) => void;
}

/** The sheets (archived ones too, marked) to pick from, and, for admins, a form to create one. */
export function SheetList({ sheets, selected, onSelect, isAdmin, onCreated }: Props) {
  return (
    <NavList
      label="Sheets"
      items={sheets.map((s) => ({
        name: s.name,
        content: (
          <>
            {s.title} <small>({s.name})</small> {s.archived && <Badge color="orange" text="archived" />}
            {s.default && <Badge color="blue" text="default" />}
          </>
        ),
      }))}
      selected={selected}
      onSelect={onSelect}
      empty="No sheets yet."
    >
      {isAdmin && <CreateSheet onCreated={onCreated} />}
    </NavList>
  );
}

function CreateSheet({ onCreated }: { onCreated: (sheet: Sheet) => void }) {
  const api = useShotlineApi();
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const create = async () => {
    const local: FieldProblem[] = [];
    if (!NAME.test(name)) {
      local.push({ field: 'name', message: `must be ${NAME_TEXT}` });
    }
    if (title.trim() === '') {
      local.push({ field: 'title', message: 'must not be empty' });
    }
    setProblems(local);
    setError(undefined);
    if (local.length > 0) {
      return;
    }
    setBusy(true);
    try {
      const reply = await api.request<Sheet>('POST', 'sheets', { body: { name, title: title.trim() } });
      setName('');
      setTitle('');
      onCreated(reply.body);
    } catch (e) {
      setError(messageOf(e));
      setProblems(e instanceof ApiProblem ? e.details : []);
    } finally {
      setBusy(false);
    }
  };

  const placed = ['name', 'title'];
  return (
    <form
      aria-label="New sheet"
      onSubmit={(e) => {
        e.preventDefault();
        create();
      }}
    >
      <h4>New sheet</h4>
      {error && <ProblemList title={error} problems={problems.filter((p) => !placed.includes(p.field))} />}
      <Stack direction="column" gap={0}>
        <Field
          label="Name"
          description={NAME_TEXT}
          invalid={!!problemsAt(problems, 'name')}
          error={problemsAt(problems, 'name')}
        >
          <Input id="new-sheet-name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Title" invalid={!!problemsAt(problems, 'title')} error={problemsAt(problems, 'title')}>
          <Input id="new-sheet-title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <div>
          <Button type="submit" icon="plus" disabled={busy}>
            Create sheet
          </Button>
        </div>
      </Stack>
    </form>
  );
}
