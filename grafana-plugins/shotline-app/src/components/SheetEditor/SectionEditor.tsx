import React from 'react';
import { Button, Field, Input, useStyles2 } from '@grafana/ui';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

import { FieldList } from '../FieldDefinitionEditor/FieldList';
import type { FieldDraft } from '../FieldDefinitionEditor/draft';
import { problemsAt, problemsElsewhere, type ProblemIndex } from '../FieldDefinitionEditor/problems';
import type { SectionDraft } from './layoutDraft';

interface Props {
  section: SectionDraft;
  index: number;
  count: number;
  onChange: (next: SectionDraft) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
  problems: ProblemIndex;
  allFields: FieldDraft[];
  choiceLists: string[];
  diagnosticNames: string[];
  readOnly?: boolean;
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    marginBottom: theme.spacing(2),
    background: theme.colors.background.secondary,
  }),
  invalid: css({ borderColor: theme.colors.error.border }),
  header: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'flex-end' }),
  grow: css({ flex: 1 }),
  problems: css({ color: theme.colors.error.text }),
});

/** A section of the layout: its title, place and fields. */
export function SectionEditor(props: Props) {
  const { section, index, count, onChange, onMove, onRemove, problems, readOnly } = props;
  const styles = useStyles2(getStyles);
  const own = problems.byId.get(section.id);
  const titleError = problemsAt(own, 'title');
  // `fields.<n>` problems belong to field editors; the section's others are listed here.
  const other = problemsElsewhere(own, ['title']).filter((p) => !/^fields\.\d+/.test(p.field));
  const name = section.title.trim() || `section ${index + 1}`;

  return (
    <section className={cx(styles.section, (own?.length ?? 0) > 0 && styles.invalid)} aria-label={`Section ${name}`}>
      <div className={styles.header}>
        <div className={styles.grow}>
          <Field label={`Section ${index + 1} title`} invalid={!!titleError} error={titleError}>
            <Input
              id={`${section.id}-title`}
              value={section.title}
              disabled={readOnly}
              onChange={(e) => onChange({ ...section, title: e.currentTarget.value })}
            />
          </Field>
        </div>
        {!readOnly && (
          <div className={css({ paddingBottom: 16, display: 'flex', gap: 4 })}>
            <Button
              id={`${section.id}-up`}
              size="sm"
              variant="secondary"
              icon="arrow-up"
              aria-label={`Move section ${name} up`}
              disabled={index === 0}
              onClick={() => onMove(-1)}
            />
            <Button
              id={`${section.id}-down`}
              size="sm"
              variant="secondary"
              icon="arrow-down"
              aria-label={`Move section ${name} down`}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
            />
            <Button size="sm" variant="destructive" fill="outline" icon="trash-alt" onClick={onRemove}>
              Remove section
            </Button>
          </div>
        )}
      </div>
      {other.length > 0 && (
        <ul className={styles.problems} role="alert">
          {other.map((p, i) => (
            <li key={i}>{p.field ? `${p.field}: ${p.message}` : p.message}</li>
          ))}
        </ul>
      )}
      <FieldList
        label={`section ${name}`}
        fields={section.fields}
        onChange={(fields) => onChange({ ...section, fields })}
        problems={problems}
        allFields={props.allFields}
        choiceLists={props.choiceLists}
        diagnosticNames={props.diagnosticNames}
        allowDiagnosticsBlock
        readOnly={readOnly}
      />
    </section>
  );
}
