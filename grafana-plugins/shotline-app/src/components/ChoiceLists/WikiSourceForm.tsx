import React, { useState } from 'react';
import { Button, Field, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { ApiProblem, type FieldProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { SaveOutcome, useSaving } from '../FieldDefinitionEditor/saving';
import { problemsAt } from '../FieldDefinitionEditor/problems';
import type { ChoiceList, WikiSource } from '../../api/sheetTypes';

interface Props {
  list: ChoiceList;
  isAdmin: boolean;
  onSaved: (list: ChoiceList) => void;
  /** a list edited by hand that is not being turned into a synced one */
  onCancel?: () => void;
}

type Text = Record<'wikiUrl' | 'page' | 'section' | 'column' | 'intervalMinutes' | 'maxItems', string> & {
  api: 'parse' | 'query';
};

const textOf = (s: WikiSource | null): Text => ({
  wikiUrl: s?.wikiUrl ?? '',
  page: s?.page ?? '',
  section: s?.section ?? '',
  column: s?.column ?? '',
  intervalMinutes: s?.intervalMinutes === undefined ? '' : String(s.intervalMinutes),
  maxItems: s?.maxItems === undefined ? '' : String(s.maxItems),
  api: s?.api ?? 'parse',
});

/** The source as the relay takes it, or the problems of what was typed (paths as the relay names them). */
function toSource(t: Text): { source: WikiSource; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const source: WikiSource = { wikiUrl: t.wikiUrl.trim(), page: t.page.trim() };
  if (t.section.trim()) {
    source.section = t.section.trim();
  }
  if (t.column.trim()) {
    source.column = t.column.trim();
  }
  if (t.api !== 'parse') {
    source.api = t.api;
  }
  for (const [key, min, max] of [
    ['intervalMinutes', 1, 10080],
    ['maxItems', 1, 5000],
  ] as const) {
    const text = t[key].trim();
    if (text === '') {
      continue;
    }
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push({ field: `source.${key}`, message: `must be a whole number from ${min} to ${max}` });
    } else {
      source[key] = n;
    }
  }
  for (const key of ['wikiUrl', 'page'] as const) {
    if (source[key] === '') {
      problems.push({ field: `source.${key}`, message: 'is needed' });
    }
  }
  return { source, problems };
}

const PLACED = ['wikiUrl', 'page', 'section', 'column', 'api', 'intervalMinutes', 'maxItems'].map((k) => `source.${k}`);

/** Where a list's items come from on the lab's MediaWiki (docs/choice-lists.md). */
export function WikiSourceForm({ list, isAdmin, onSaved, onCancel }: Props) {
  const api = useShotlineApi();
  const [text, setText] = useState<Text>(() => textOf(list.source));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const { outcome, setOutcome, busy, run } = useSaving();
  const err = (key: string) => problemsAt(problems, `source.${key}`);
  const set = (key: keyof Text) => (e: React.FormEvent<HTMLInputElement>) =>
    setText({ ...text, [key]: e.currentTarget.value });

  const patch = async (source: WikiSource | null, done: string) => {
    const saved = await run(
      async () => (await api.request<ChoiceList>('PATCH', `choices/${list.name}`, { body: { source } })).body,
      () => done,
      (e) => setProblems(e instanceof ApiProblem ? e.details : [])
    );
    if (saved) {
      setProblems([]);
      onSaved(saved);
    }
  };

  const save = () => {
    const { source, problems: local } = toSource(text);
    if (local.length > 0) {
      setProblems(local);
      setOutcome({ ok: false, message: 'Some settings are not valid: fix the marked fields.' });
      return;
    }
    patch(source, 'Source saved.');
  };

  const input = (key: keyof Text, label: string, description?: string) => (
    <Field label={label} description={description} invalid={!!err(key)} error={err(key)}>
      <Input id={`${list.name}-source-${key}`} width={40} disabled={!isAdmin} value={text[key]} onChange={set(key)} />
    </Field>
  );

  return (
    <section aria-label="Wiki source">
      <h4>MediaWiki source</h4>
      <SaveOutcome outcome={outcome} problems={problems.filter((p) => !PLACED.includes(p.field))} />
      <Stack direction="row" gap={2} wrap="wrap">
        {input('wikiUrl', 'Wiki address', 'its api.php is used, e.g. https://wiki.lab.example/w')}
        {input('page', 'Page title')}
        {input('section', 'Section (optional)', 'only the part under this heading')}
        {input('column', 'Table column (optional)', 'without it: the list items (* or #) of the page')}
        {input('intervalMinutes', 'Sync every (minutes, optional)', 'empty: only on demand')}
        {input('maxItems', 'At most items (optional)', 'default 1000')}
        <Field label="Read with" invalid={!!err('api')} error={err('api')}>
          <RadioButtonGroup
            aria-label="Read with"
            disabled={!isAdmin}
            options={[
              { label: 'action=parse', value: 'parse' as const },
              { label: 'action=query', value: 'query' as const },
            ]}
            value={text.api}
            onChange={(v) => setText({ ...text, api: v })}
          />
        </Field>
      </Stack>
      {isAdmin && (
        <Stack direction="row" gap={1}>
          <Button icon="save" disabled={busy} onClick={save}>
            {list.source ? 'Save source' : 'Sync from this page'}
          </Button>
          {list.source ? (
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => patch(null, 'The list is edited by hand now; it kept its items.')}
            >
              Stop syncing (edit by hand)
            </Button>
          ) : (
            onCancel && (
              <Button variant="secondary" fill="text" onClick={onCancel}>
                Cancel
              </Button>
            )
          )}
        </Stack>
      )}
    </section>
  );
}
