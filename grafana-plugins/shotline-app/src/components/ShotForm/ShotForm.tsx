import React, { useId, useMemo } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Text, useStyles2 } from '@grafana/ui';

import type { FieldProblem } from '../../api/client';
import { DiagnosticsBlock } from './DiagnosticsBlock';
import { FieldRow } from './FieldRow';
import {
  arrangeSections,
  blockDiagnostics,
  byKeyOf,
  groupErrors,
  ids,
  isVisible,
  layoutFields,
  sameValue,
  settingKey,
  type GroupedErrors,
} from './logic';
import type { Diagnostic, FieldDef, Layout, Preset } from '../../api/sheetTypes';
import type { ShotFormValues } from './types';

export type { ShotFormValues } from './types';
export { FieldRow, type FieldRowProps } from './FieldRow';

export interface ShotFormProps {
  /** the sheet's layout (only `sections` is read) */
  layout: Pick<Layout, 'sections'>;
  /** the sheet's diagnostics, for the layout's diagnostics blocks */
  diagnostics?: Diagnostic[];
  /** the sheet's presets: the diagnostics blocks offer them to fill settings */
  presets?: Preset[];
  /** the entry's `fields` and `diagnostics` (controlled) */
  values: ShotFormValues;
  /** every change, with the whole new values; a value removed is absent from `fields` / `settings` */
  onChange: (values: ShotFormValues) => void;
  /** the relay's `details` of a refused write (`fields.<key>`, `diagnostics.<name>.settings.<key>`, …) */
  errors?: FieldProblem[];
  /** read-only: every input disabled */
  disabled?: boolean;
  /** field keys shown first, in this order */
  pinned?: string[];
  /** denser: fields side by side in a grid (for a panel beside the plots) */
  compact?: boolean;
  /** prefix of the inputs' ids (two forms on one page need different ones); default: generated */
  idPrefix?: string;
}

/**
 * The entry form of a shot sheet: its layout's sections and fields, with the
 * relay's rules (a field hidden by its condition is neither shown nor
 * required) and the relay's errors beside the inputs they name.
 */
export function ShotForm({
  layout,
  diagnostics = [],
  presets = [],
  values,
  onChange,
  errors = [],
  disabled,
  pinned,
  compact,
  idPrefix,
}: ShotFormProps) {
  const styles = useStyles2(getStyles);
  const generated = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const prefix = idPrefix ?? `shotform${generated}`;
  const fields = values.fields ?? {};
  const blocks = values.diagnostics ?? {};
  const byKey = useMemo(() => byKeyOf(layoutFields(layout.sections)), [layout.sections]);
  const sections = useMemo(() => arrangeSections(layout.sections, pinned), [layout.sections, pinned]);
  const sectionKeys = reactKeys(sections.map((section, i) => section.key ?? `${i}`));

  // What shows now decides where an error can be shown; the rest is listed above the form.
  const shown = { fields: new Set<string>(), settings: new Set<string>(), diagnostics: new Set<string>() };
  for (const f of layoutFields(layout.sections)) {
    if (!isVisible(f, fields, byKey)) {
      continue;
    }
    if (f.type !== 'diagnostics') {
      shown.fields.add(f.key);
      continue;
    }
    for (const d of blockDiagnostics(f, diagnostics)) {
      shown.diagnostics.add(d.name);
      const block = blocks[d.name];
      if (block?.active) {
        const settingsByKey = byKeyOf(d.fields);
        d.fields
          .filter((s) => isVisible(s, block.settings, settingsByKey))
          .forEach((s) => shown.settings.add(settingKey(d.name, s.key)));
      }
    }
  }
  const grouped = groupErrors(errors, shown);

  const setField = (key: string, value: unknown) => {
    if (sameValue(fields[key], value)) {
      return;
    }
    const next = { ...fields };
    if (value === undefined) {
      delete next[key];
    } else {
      next[key] = value;
    }
    onChange({ fields: next, diagnostics: blocks });
  };

  return (
    <div className={styles.form} data-testid="shot-form">
      {grouped.other.length > 0 && <OtherErrors errors={grouped.other} byKey={byKey} diagnostics={diagnostics} />}
      {sections.map((section, i) => {
        const fieldKeys = reactKeys(section.fields.map((f) => f.key));
        const visible = section.fields
          .map((f, at) => ({ f, reactKey: fieldKeys[at] }))
          .filter(({ f }) => isVisible(f, fields, byKey));
        if (visible.length === 0) {
          return null;
        }
        const headingId = `${prefix}-section-${i}`;
        return (
          <section key={sectionKeys[i]} aria-labelledby={headingId} className={styles.section}>
            <h3 id={headingId} className={styles.heading}>
              {section.title}
            </h3>
            <div className={cx(styles.fields, compact && styles.compactFields)}>
              {visible.map(({ f, reactKey }) =>
                f.type === 'diagnostics' ? (
                  <DiagnosticsBlock
                    key={reactKey}
                    def={f}
                    diagnostics={blockDiagnostics(f, diagnostics)}
                    presets={presets}
                    blocks={blocks}
                    onChange={(next) => onChange({ fields, diagnostics: next })}
                    errors={grouped}
                    idPrefix={prefix}
                    disabled={disabled}
                    compact={compact}
                  />
                ) : (
                  <FieldRow
                    key={reactKey}
                    def={f}
                    id={ids.field(prefix, f.key)}
                    value={fields[f.key]}
                    onChange={(v) => setField(f.key, v)}
                    errors={grouped.fields.get(f.key)}
                    disabled={disabled}
                    compact={compact}
                  />
                )
              )}
            </div>
          </section>
        );
      })}
      {layoutFields(layout.sections).length === 0 && (
        <Text color="secondary" italic>
          This layout has no fields yet.
        </Text>
      )}
    </div>
  );
}

function OtherErrors({
  errors,
  byKey,
  diagnostics,
}: {
  errors: GroupedErrors['other'];
  byKey: ReadonlyMap<string, FieldDef>;
  diagnostics: readonly Diagnostic[];
}) {
  // Name what the path points at in the operator's words where the form knows it.
  const name = (path: string) => {
    const [head, key, , setting] = path.split('.');
    if (head === 'fields' && key && byKey.has(key)) {
      return `${byKey.get(key)!.label} (hidden)`;
    }
    const d = head === 'diagnostics' && key ? diagnostics.find((x) => x.name === key) : undefined;
    if (d) {
      const s = setting ? d.fields.find((f) => f.key === setting) : undefined;
      return s ? `${d.label}: ${s.label}` : d.label;
    }
    return path;
  };
  return (
    <Alert severity="error" title="Also refused" data-testid="shot-form-other-errors">
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            <strong>{name(e.field)}</strong> {e.message}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  section: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5, 2),
  }),
  heading: css({ ...theme.typography.h5, marginBottom: theme.spacing(1.5) }),
  fields: css({ display: 'flex', flexDirection: 'column' }),
  compactFields: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
    gap: theme.spacing(1, 2),
  }),
});

export default ShotForm;

/**
 * React keys from keys that a layout being edited may repeat: the key itself
 * while it is unique (so an input keeps its state and focus when fields
 * around it come and go), the key and its occurrence for a repeat.
 */
export function reactKeys(keys: string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n === 0 ? key : `${key}#${n}`;
  });
}
