import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { AuditItem, ChannelView, RelaySettingsDoc, RelayStatus } from '../../api/relayTypes';
import { useMe } from '../../api/useMe';
import { CampaignEditor } from '../CampaignEditor/CampaignEditor';
import { ChannelEditor } from '../ChannelEditor/ChannelEditor';
import { describeRule, formatValue } from '../ChannelEditor/rules';
import { formatTime } from '../shared/format';
import { Table } from '../shared/Table';
import { campaignHistory, type CampaignCount, type PastCampaign } from './campaignHistory';
import { PastCampaigns } from './PastCampaigns';
import { PolicyEditor } from './PolicyEditor';
import { getStyles } from './styles';

interface Loaded {
  settings: RelaySettingsDoc;
  channels: ChannelView[];
  /** null: the relay has no status to give (no relay in that process), with why */
  status: RelayStatus | null;
  statusProblem?: string;
  past: PastCampaign[];
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * What the relay has in force: laser endpoints, channels and their
 * thresholds, the trigger policy and the campaign. Admins change them; the
 * others see them read-only (the relay refuses their changes anyway).
 */
export function RelaySettings() {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const { me, can } = useMe();
  const isAdmin = can('admin');
  const [data, setData] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<string>();
  const [rowError, setRowError] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    try {
      const [settings, channels, status, audit, counts] = await Promise.all([
        api.request<RelaySettingsDoc>('GET', 'relay/settings'),
        api.request<{ items: ChannelView[] }>('GET', 'relay/channels'),
        api.request<RelayStatus>('GET', 'relay/status').then(
          (r) => ({ status: r.body, problem: undefined }),
          // 404: no relay runs where the API does, and none has reported yet.
          (err) => ({ status: null, problem: message(err) })
        ),
        api
          .request<{ items: AuditItem[] }>('GET', 'relay/audit', { query: { target: 'campaign', limit: 1000 } })
          .then((r) => r.body.items),
        api
          .request<{ items: CampaignCount[] }>('GET', 'stats/campaigns')
          .then((r) => r.body.items)
          .catch(() => [] as CampaignCount[]),
      ]);
      setData({
        settings: settings.body,
        channels: channels.body.items,
        status: status.status,
        statusProblem: status.problem,
        past: campaignHistory(audit, counts),
      });
      setError(undefined);
    } catch (err) {
      setError(message(err));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const resetCounter = async (name: string) => {
    try {
      await api.request('POST', `relay/channels/${encodeURIComponent(name)}/reset-counter`);
      setRowError(({ [name]: _, ...rest }) => rest);
      await load();
    } catch (err) {
      setRowError((e) => ({ ...e, [name]: message(err) }));
    }
  };

  if (error && !data) {
    return (
      <Alert severity="error" title="Cannot read the relay settings">
        {error}
      </Alert>
    );
  }
  if (!data) {
    return <LoadingPlaceholder text="Reading the relay settings…" />;
  }
  const { settings, channels, status, statusProblem, past } = data;

  return (
    <div>
      {error && (
        <Alert severity="warning" title="Cannot refresh the relay settings">
          {error}
        </Alert>
      )}
      {!isAdmin && (
        <Alert severity="info" title="Read-only">
          {me ? `You are ${me.name} (${me.role}); ` : ''}changing the relay settings needs the admin role.
        </Alert>
      )}

      <section className={styles.section} aria-labelledby="relay-endpoints">
        <h2 id="relay-endpoints">Laser endpoints (ZeroMQ)</h2>
        <p className={styles.muted}>
          Set where the relay runs, in its environment: <code>SHOTLINE_ZMQ_ENDPOINTS</code> (
          <code>tcp://host:port[#topic],…</code>; unset: the built-in simulator) and <code>SHOTLINE_ZMQ_PUBLISH</code>,
          read at start. The relay has no API to change them.
        </p>
        {status ? (
          <Table
            label="Laser endpoints"
            columns={['Endpoint', 'Topics', 'Connected', 'Messages', 'Malformed']}
            empty="No endpoint."
          >
            {(status.endpoints ?? []).map((e) => (
              <tr key={e.endpoint}>
                <td>
                  <code>{e.endpoint}</code>
                  {status.simulator ? ' (simulator)' : ''}
                </td>
                <td>{e.topics?.length ? e.topics.join(', ') : 'all'}</td>
                <td>{e.connected ? 'yes' : 'no'}</td>
                <td className={styles.numeric}>{e.received ?? ''}</td>
                <td className={styles.numeric}>{e.malformed ?? ''}</td>
              </tr>
            ))}
          </Table>
        ) : (
          <p>The relay reports no status here: {statusProblem}</p>
        )}
      </section>

      <section className={styles.section} aria-labelledby="relay-channels">
        <h2 id="relay-channels">Channels</h2>
        <Table
          label="Channels"
          columns={[
            'Channel',
            'Nickname',
            'Unit',
            'Enabled',
            'Threshold',
            'Latest value',
            'Local counter',
            isAdmin && 'Actions',
          ]}
          empty="No channel seen or configured yet."
        >
          {channels.map((c) => (
            <React.Fragment key={c.name}>
              <tr>
                <td>
                  <code>{c.name}</code>
                </td>
                <td>{c.nickname ?? ''}</td>
                <td>{c.unit ?? ''}</td>
                <td>{c.enabled ? <Badge color="green" text="enabled" /> : <Badge color="orange" text="disabled" />}</td>
                <td>{describeRule(c.rule, c.unit)}</td>
                <td className={styles.numeric}>{c.value === null ? '' : formatValue(c.value)}</td>
                <td className={styles.numeric}>
                  {c.triggerCount}
                  {c.counterResetAt && <div className={styles.muted}>since {formatTime(c.counterResetAt)}</div>}
                </td>
                {isAdmin && (
                  <td>
                    <Stack gap={1}>
                      <Button
                        size="sm"
                        variant="secondary"
                        icon="pen"
                        aria-label={`Edit ${c.name}`}
                        aria-expanded={editing === c.name}
                        onClick={() => setEditing(editing === c.name ? undefined : c.name)}
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`Reset counter of ${c.name}`}
                        onClick={() => resetCounter(c.name)}
                      >
                        Reset counter
                      </Button>
                    </Stack>
                    {rowError[c.name] && <div role="alert">{rowError[c.name]}</div>}
                  </td>
                )}
              </tr>
              {editing === c.name && (
                <tr className={styles.editRow}>
                  <td colSpan={8}>
                    <ChannelEditor
                      name={c.name}
                      settings={settings.channels[c.name]}
                      onCancel={() => setEditing(undefined)}
                      onSaved={() => {
                        setEditing(undefined);
                        void load();
                      }}
                    />
                  </td>
                </tr>
              )}
            </React.Fragment>
          ))}
        </Table>
      </section>

      <section className={styles.section} aria-labelledby="relay-policy">
        <h2 id="relay-policy">Trigger policy</h2>
        <PolicyEditor
          key={JSON.stringify(settings.policy)}
          policy={settings.policy}
          channels={channels.map((c) => c.name)}
          canEdit={isAdmin}
          onSaved={() => void load()}
        />
      </section>

      <section className={styles.section} aria-labelledby="relay-campaign">
        <h2 id="relay-campaign">Campaign</h2>
        <CampaignEditor campaign={settings.campaign} canEdit={isAdmin} onChanged={() => void load()} />
        <PastCampaigns current={settings.campaign} past={past} />
      </section>

      <p className={styles.muted}>
        Settings version {settings.version}, last changed {formatTime(settings.updatedAt)} by {settings.updatedBy}.
      </p>
    </div>
  );
}

export default RelaySettings;
