import React from 'react';
import { useTheme2 } from '@grafana/ui';

import type { ThresholdRule } from '../../api/relayTypes';
import { crosses, describeRule, formatValue, thresholdsOf } from '../ChannelEditor/rules';

interface Props {
  values: number[];
  rule: ThresholdRule | null;
  /** channel name or nickname, for the accessible description */
  label: string;
  unit?: string | null;
  width?: number;
  height?: number;
}

const PAD = 3;

/**
 * The channel's recent values as a line, its threshold(s) as dashed lines
 * (the band of an `outside` rule shaded), crossing points marked. Plain SVG:
 * it redraws up to ten times a second per channel, so no chart library.
 */
export function Sparkline({ values, rule, label, unit, width = 240, height = 48 }: Props) {
  const theme = useTheme2();
  const lines = thresholdsOf(rule);
  const finite = values.filter(Number.isFinite);
  // The thresholds are part of the range: how far the trace is from them is the point of the picture.
  const all = [...finite, ...lines];
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi === lo) {
    const d = Math.abs(hi) * 0.1 || 1;
    lo -= d;
    hi += d;
  }
  const span = hi - lo;
  lo -= span * 0.05;
  hi += span * 0.05;
  const y = (v: number) => PAD + (height - 2 * PAD) * (1 - (v - lo) / (hi - lo));
  const x = (i: number) => (values.length <= 1 ? width / 2 : PAD + ((width - 2 * PAD) * i) / (values.length - 1));

  const points = values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : null));
  const path = points.filter(Boolean).join(' ');
  const crossing = rule ? values.map((v, i) => (crosses(rule, v) ? i : -1)).filter((i) => i >= 0) : [];
  const danger = theme.colors.error.main;

  const summary =
    finite.length === 0
      ? `${label}: no values yet; ${describeRule(rule, unit)}`
      : `${label}: last ${finite.length} values from ${formatValue(Math.min(...finite))} to ${formatValue(
          Math.max(...finite)
        )}${unit ? ` ${unit}` : ''}, ${crossing.length} crossing; ${describeRule(rule, unit)}`;

  return (
    <svg
      role="img"
      aria-label={summary}
      width="100%"
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      data-testid="sparkline"
    >
      {rule?.kind === 'outside' && (
        <rect
          x={0}
          width={width}
          y={y(rule.high)}
          height={Math.max(0, y(rule.low) - y(rule.high))}
          fill={theme.colors.success.transparent}
          data-testid="sparkline-band"
        />
      )}
      {lines.map((t, i) => (
        <line
          key={i}
          x1={0}
          x2={width}
          y1={y(t)}
          y2={y(t)}
          stroke={danger}
          strokeDasharray="4 3"
          strokeWidth={1}
          vectorEffect="non-scaling-stroke"
          data-testid="sparkline-threshold"
          data-value={t}
        />
      ))}
      {path && (
        <polyline
          points={path}
          fill="none"
          stroke={theme.colors.primary.main}
          strokeWidth={1.5}
          vectorEffect="non-scaling-stroke"
        />
      )}
      {crossing.map((i) => (
        <circle key={i} cx={x(i)} cy={y(values[i])} r={2.5} fill={danger} data-testid="sparkline-crossing" />
      ))}
    </svg>
  );
}
