import React, { useState } from 'react';
import { Button, Field, Input, Stack } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import type { Sheet } from '../../api/sheetTypes';
import { DraftRouting, DraftRoutingSummary } from './DraftRouting';

interface Props {
  sheet: Sheet;
  isAdmin: boolean;
  onChanged: (sheet: Sheet) => void;
}

/** Rename (title), archive or restore a sheet, and say which shots get a draft in it. */
export function SheetSettings({ sheet, isAdmin, onChanged }: Props) {
  const api = useShotlineApi();
  const [title, setTitle] = useState(sheet.title);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const patch = async (body: { title?: string; archived?: boolean }) => {
    setBusy(true);
    setError(undefined);
    try {
      const reply = await api.request<Sheet>('PATCH', `sheets/${sheet.name}`, { body });
      setTitle(reply.body.title);
      onChanged(reply.body);
    } catch (e) {
      const detail = e instanceof ApiProblem ? e.details.find((d) => d.field === 'title') : undefined;
      setError(detail ? detail.message : messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack direction="column" gap={2}>
      <Stack direction="row" gap={2} alignItems="flex-end" wrap="wrap">
        <Field label="Sheet title" invalid={!!error} error={error} noMargin>
          <Input
            id={`sheet-title-${sheet.name}`}
            width={40}
            value={title}
            disabled={!isAdmin}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
        </Field>
        {isAdmin && (
          <>
            <Button
              variant="secondary"
              disabled={busy || title === sheet.title}
              onClick={() => {
                if (title.trim() === '') {
                  setError('must not be empty');
                  return;
                }
                patch({ title: title.trim() });
              }}
            >
              Rename
            </Button>
            <Button
              variant={sheet.archived ? 'secondary' : 'destructive'}
              fill="outline"
              icon={sheet.archived ? 'history' : 'archive-alt'}
              disabled={busy}
              onClick={() => patch({ archived: !sheet.archived })}
            >
              {sheet.archived ? 'Restore from archive' : 'Archive'}
            </Button>
          </>
        )}
      </Stack>
      {isAdmin ? <DraftRouting sheet={sheet} onChanged={onChanged} /> : <DraftRoutingSummary sheet={sheet} />}
    </Stack>
  );
}
