import React, { useState } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Combobox, Field, Switch, Text, useStyles2 } from '@grafana/ui';

import { FieldRow } from './FieldRow';
import { applyPreset, byKeyOf, ids, isVisible, settingKey, type GroupedErrors } from './logic';
import type { Diagnostic, DiagnosticBlock, FieldDef, Preset } from '../../api/sheetTypes';

export interface DiagnosticsBlockProps {
  /** the layout's diagnostics field (label, help) */
  def: FieldDef;
  /** the diagnostics this block shows */
  diagnostics: Diagnostic[];
  presets: Preset[];
  /** the entry's diagnostics: name → { active, settings } */
  blocks: Record<string, DiagnosticBlock>;
  onChange: (blocks: Record<string, DiagnosticBlock>) => void;
  errors: GroupedErrors;
  idPrefix: string;
  disabled?: boolean;
  compact?: boolean;
}

/**
 * Where the layout puts the diagnostics: per diagnostic a switch saying it was
 * used on this shot and, while it is, its settings; a preset fills the
 * settings of the diagnostics it names (as `preset` in a write would).
 */
export function DiagnosticsBlock({
  def,
  diagnostics,
  presets,
  blocks,
  onChange,
  errors,
  idPrefix,
  disabled,
  compact,
}: DiagnosticsBlockProps) {
  const styles = useStyles2(getStyles);
  const [applied, setApplied] = useState<string | undefined>();
  const shownNames = new Set(diagnostics.map((d) => d.name));
  // Presets that fill none of the diagnostics shown here would change nothing the operator sees.
  const usable = presets.filter((p) => Object.keys(p.diagnostics).some((n) => shownNames.has(n)));
  const headingId = `${idPrefix}-diagnostics-${def.key}`;

  const setBlock = (name: string, block: DiagnosticBlock) => onChange({ ...blocks, [name]: block });

  return (
    <div role="group" aria-labelledby={headingId} className={styles.block} data-testid={`diagnostics-${def.key}`}>
      <h4 id={headingId} className={styles.heading}>
        {def.label}
      </h4>
      {def.help && (
        <Text element="p" variant="bodySmall" color="secondary">
          {def.help}
        </Text>
      )}
      {usable.length > 0 && !disabled && (
        <Field
          label="Preset"
          description={
            applied
              ? `Filled from preset “${applied}”; change any value below.`
              : 'Fills the settings of its diagnostics'
          }
          htmlFor={ids.preset(idPrefix, def.key)}
          disabled={disabled}
        >
          <Combobox<string>
            id={ids.preset(idPrefix, def.key)}
            options={usable.map((p) => ({
              value: p.name,
              label: p.label,
              description: Object.keys(p.diagnostics).join(', '),
            }))}
            value={null}
            disabled={disabled}
            placeholder="Choose a preset"
            onChange={(option) => {
              const preset = usable.find((p) => p.name === option?.value);
              if (preset) {
                onChange(applyPreset(blocks, preset));
                setApplied(preset.label);
              }
            }}
          />
        </Field>
      )}
      {diagnostics.length === 0 && (
        <Text color="secondary" italic>
          No diagnostics defined for this sheet.
        </Text>
      )}
      {diagnostics.map((d) => {
        const block = blocks[d.name];
        const active = block?.active === true;
        const diagErrors = errors.diagnostics.get(d.name);
        const settingsByKey = byKeyOf(d.fields);
        const settings = block?.settings ?? {};
        return (
          <div key={d.name} className={styles.diagnostic} data-testid={`diagnostic-${d.name}`}>
            <Field
              label={d.label}
              description={d.help ?? 'Used on this shot'}
              htmlFor={ids.active(idPrefix, d.name)}
              invalid={!!diagErrors}
              error={diagErrors?.join('; ')}
              disabled={disabled}
              noMargin={compact}
            >
              <Switch
                id={ids.active(idPrefix, d.name)}
                value={active}
                disabled={disabled}
                onChange={(e) => setBlock(d.name, { active: e.currentTarget.checked, settings })}
              />
            </Field>
            {active && (
              <div className={cx(styles.settings, compact && styles.compactSettings)}>
                {d.fields
                  .filter((s) => isVisible(s, settings, settingsByKey))
                  .map((s) => (
                    <FieldRow
                      key={s.key}
                      def={s}
                      id={ids.setting(idPrefix, d.name, s.key)}
                      value={settings[s.key]}
                      errors={errors.settings.get(settingKey(d.name, s.key))}
                      disabled={disabled}
                      compact={compact}
                      onChange={(value) => {
                        const next = { ...settings };
                        if (value === undefined) {
                          delete next[s.key];
                        } else {
                          next[s.key] = value;
                        }
                        setBlock(d.name, { active: true, settings: next });
                      }}
                    />
                  ))}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  block: css({ gridColumn: '1 / -1', display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  heading: css({ ...theme.typography.h6, margin: 0 }),
  diagnostic: css({
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    paddingLeft: theme.spacing(1.5),
  }),
  settings: css({ display: 'flex', flexDirection: 'column', paddingLeft: theme.spacing(1) }),
  compactSettings: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    gap: theme.spacing(1, 2),
  }),
});
