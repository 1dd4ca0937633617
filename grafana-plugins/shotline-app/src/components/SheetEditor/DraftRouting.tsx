import React, { useEffect, useState } from 'react';
import { Button, Field, MultiCombobox, Stack, Switch, Text } from '@grafana/ui';

import { ApiProblem, type FieldProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { messageOf, ProblemList } from '../FieldDefinitionEditor/ProblemList';
import type { Sheet } from '../../api/sheetTypes';

/** The relay's limit on a campaign name (relay-service/src/api/sheets.ts `CampaignName`). */
const CAMPAIGN_MAX = 128;

interface CampaignsReply {
  items: Array<{ campaign: string | null }>;
  current: { name: string } | null;
}

/**
 * Campaign names to offer: the one in force and those of stored shots. Only a
 * convenience: when they cannot be read, names are typed in.
 */
function useKnownCampaigns(): { names: string[]; current?: string } {
  const api = useShotlineApi();
  const [known, setKnown] = useState<{ names: string[]; current?: string }>({ names: [] });
  useEffect(() => {
    let live = true;
    api.request<CampaignsReply>('GET', 'stats/campaigns').then(
      (r) => {
        const current = r.body.current?.name;
        const names = r.body.items.map((i) => i.campaign).filter((c): c is string => !!c);
        live && setKnown({ names: [...new Set([...(current ? [current] : []), ...names])], current });
      },
      () => undefined
    );
    return () => {
      live = false;
    };
  }, [api]);
  return known;
}

/** Problems the form can tell before asking the relay; trimmed names are what is sent. */
function checkCampaigns(campaigns: string[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const c of campaigns) {
    if (c === '') {
      out.push({ field: 'campaigns', message: 'a campaign name must not be empty' });
    } else if (c.length > CAMPAIGN_MAX) {
      out.push({ field: 'campaigns', message: `"${c.slice(0, 20)}…" is longer than ${CAMPAIGN_MAX} characters` });
    } else if (seen.has(c)) {
      out.push({ field: 'campaigns', message: `"${c}" is listed twice` });
    }
    seen.add(c);
  }
  return out;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** `campaigns.2` → the name at that place, so the message says which one. */
function campaignsError(problems: FieldProblem[], sent: string[]): string | undefined {
  const hits = problems.filter((p) => p.field === 'campaigns' || p.field.startsWith('campaigns.'));
  if (hits.length === 0) {
    return undefined;
  }
  return hits
    .map((p) => {
      const at = Number(p.field.split('.')[1]);
      return Number.isInteger(at) && sent[at] !== undefined ? `"${sent[at]}": ${p.message}` : p.message;
    })
    .join('; ');
}

/**
 * Which shots get a draft in this sheet (relay-service/src/sheets/drafts.ts):
 * those of the campaigns listed here, and, on the default sheet, those whose
 * campaign no sheet lists. Admins only; edits stay until saved or refused.
 */
export function DraftRouting({ sheet, onChanged }: { sheet: Sheet; onChanged: (sheet: Sheet) => void }) {
  const api = useShotlineApi();
  const known = useKnownCampaigns();
  const [isDefault, setIsDefault] = useState(sheet.default);
  const [campaigns, setCampaigns] = useState<string[]>(sheet.campaigns);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const trimmed = campaigns.map((c) => c.trim());
  const dirty = isDefault !== sheet.default || !sameList(trimmed, sheet.campaigns);

  const save = async () => {
    setSaved(false);
    setError(undefined);
    const local = checkCampaigns(trimmed);
    setProblems(local);
    if (local.length > 0) {
      return;
    }
    const body: { default?: boolean; campaigns?: string[] } = {};
    if (isDefault !== sheet.default) {
      body.default = isDefault;
    }
    if (!sameList(trimmed, sheet.campaigns)) {
      body.campaigns = trimmed;
    }
    setBusy(true);
    setSent(trimmed);
    try {
      const reply = await api.request<Sheet>('PATCH', `sheets/${sheet.name}`, { body });
      setIsDefault(reply.body.default);
      setCampaigns(reply.body.campaigns);
      setSaved(true);
      onChanged(reply.body);
    } catch (e) {
      const details = e instanceof ApiProblem ? e.details : [];
      setProblems(details);
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const defaultError = problems
    .filter((p) => p.field === 'default')
    .map((p) => p.message)
    .join('; ');
  const campaignError = campaignsError(problems, sent);
  const unplaced = problems.filter(
    (p) => p.field !== 'default' && p.field !== 'campaigns' && !p.field.startsWith('campaigns.')
  );
  const options = [...new Set([...known.names, ...campaigns])].map((c) => ({
    label: c,
    value: c,
    description: c === known.current ? 'the current campaign' : undefined,
  }));

  return (
    <form
      aria-label="Drafts"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Text element="h3">Drafts</Text>
      {error && (unplaced.length > 0 || (!defaultError && !campaignError)) && (
        <ProblemList title={error} problems={unplaced} />
      )}
      {sheet.archived && (isDefault || campaigns.length > 0) && (
        <p role="note">This sheet is archived: the watcher makes no drafts in it until it is restored.</p>
      )}
      <Stack direction="row" gap={2} alignItems="flex-start" wrap="wrap">
        <Field
          label="Default sheet"
          description="New shots get a draft here when no sheet takes their campaign; it replaces the current default."
          invalid={!!defaultError}
          error={defaultError || undefined}
        >
          <Switch
            id={`sheet-default-${sheet.name}`}
            value={isDefault}
            onChange={(e) => {
              setSaved(false);
              setIsDefault(e.currentTarget.checked);
            }}
          />
        </Field>
        <Field
          label="Campaigns"
          description="Shots of these campaigns get a draft here (not in the default sheet). Type a name to add one not listed."
          invalid={!!campaignError}
          error={campaignError}
        >
          <MultiCombobox<string>
            id={`sheet-campaigns-${sheet.name}`}
            width={50}
            value={campaigns}
            options={options}
            createCustomValue
            placeholder="no campaign"
            onChange={(picked) => {
              setSaved(false);
              setCampaigns(picked.map((o) => o.value));
            }}
          />
        </Field>
      </Stack>
      <Stack direction="row" gap={2} alignItems="center">
        <Button type="submit" variant="secondary" disabled={busy || !dirty}>
          Save draft settings
        </Button>
        {saved && !dirty && <span role="status">Draft settings saved.</span>}
      </Stack>
    </form>
  );
}

/** What a non-admin is told of where drafts go. */
export function DraftRoutingSummary({ sheet }: { sheet: Sheet }) {
  const parts = [
    sheet.default ? 'Default sheet: new shots get a draft here.' : undefined,
    sheet.campaigns.length > 0 ? `Drafts for the campaigns ${sheet.campaigns.join(', ')}.` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? <p>{parts.join(' ')}</p> : null;
}
