import React, { useId, useState } from 'react';
import { cx } from '@emotion/css';
import { Alert, Badge, ConfirmButton, IconButton, Stack, Text, useStyles2 } from '@grafana/ui';

import type { ChannelSettings, RelaySettingsDoc } from '../../api/relayTypes';
import { ChannelEditor } from '../ChannelEditor/ChannelEditor';
import { crosses, describeRule, formatValue } from '../ChannelEditor/rules';
import { formatTime } from '../shared/format';
import { Sparkline } from './Sparkline';
import { getStyles } from './styles';

interface Props {
  name: string;
  settings: ChannelSettings | undefined;
  value: number | null | undefined;
  history: number[];
  count: number | undefined;
  canEdit: boolean;
  onSaved: (settings: RelaySettingsDoc) => void;
  onReset: (name: string) => Promise<void>;
}

/** One channel: value, nickname, unit, rule, trace and trigger counter; admins edit and reset here. */
export function ChannelCard({ name, settings, value, history, count, canEdit, onSaved, onReset }: Props) {
  const styles = useStyles2(getStyles);
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const [resetError, setResetError] = useState<string | null>(null);
  const nickname = settings?.nickname;
  const unit = settings?.unit || null;
  const rule = settings?.rule ?? null;
  const armed = !!rule && (settings?.enabled ?? true);
  const crossing = armed && typeof value === 'number' && crosses(rule!, value);

  return (
    <section
      aria-labelledby={titleId}
      className={cx(styles.card, crossing && styles.crossing, editing && styles.cardWide)}
      data-testid={`channel-${name}`}
    >
      <div className={styles.header}>
        <h3 id={titleId} className={styles.title} title={nickname ? `${nickname} (${name})` : name}>
          {nickname ?? name}
          {nickname && (
            <Text color="secondary" variant="bodySmall">
              {' '}
              {name}
            </Text>
          )}
        </h3>
        {canEdit && !editing && (
          <IconButton
            name="pen"
            tooltip={`Edit channel ${name}`}
            aria-label={`Edit channel ${name}`}
            onClick={() => setEditing(true)}
          />
        )}
      </div>
      <div className={styles.row}>
        <span className={cx(styles.value, crossing && styles.valueCrossing)} data-testid="channel-value">
          {formatValue(value)}
          {unit && typeof value === 'number' ? ` ${unit}` : ''}
        </span>
        {crossing && <Badge color="red" text="crossing" />}
      </div>
      <Sparkline values={history} rule={rule} label={nickname ?? name} unit={unit} />
      <div className={styles.row}>
        <Text color={armed ? undefined : 'secondary'} variant="bodySmall" data-testid="channel-rule">
          {describeRule(rule, unit)}
          {rule && !armed ? ' (disarmed)' : ''}
        </Text>
        <Stack direction="row" gap={1} alignItems="center">
          <Text variant="bodySmall" data-testid="channel-count">
            {count ?? 0} trigger{count === 1 ? '' : 's'}
          </Text>
          {canEdit && !!count && (
            <ConfirmButton
              size="sm"
              confirmText="Reset to 0"
              confirmVariant="destructive"
              onConfirm={() => {
                setResetError(null);
                onReset(name).catch((err: unknown) => setResetError(err instanceof Error ? err.message : String(err)));
              }}
            >
              Reset counter
            </ConfirmButton>
          )}
        </Stack>
      </div>
      {settings?.counterResetAt && (
        <Text color="secondary" variant="bodySmall">
          counting since {formatTime(settings.counterResetAt)}
        </Text>
      )}
      {resetError && (
        <Alert severity="error" title="Counter not reset">
          {resetError}
        </Alert>
      )}
      {canEdit && editing && (
        <ChannelEditor
          name={name}
          settings={settings}
          onCancel={() => setEditing(false)}
          onSaved={(s) => {
            setEditing(false);
            onSaved(s);
          }}
        />
      )}
    </section>
  );
}
