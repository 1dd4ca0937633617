import { type DataFrame, getDefaultTimeRange, LoadingState, type PanelProps } from '@grafana/data';

/** The props Grafana gives a panel, with these options and frames. */
export function panelProps<T>(
  options: T,
  series: DataFrame[] = [],
  variables: Record<string, string> = {}
): PanelProps<T> {
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange: getDefaultTimeRange() },
    timeRange: getDefaultTimeRange(),
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: 400,
    height: 300,
    renderCounter: 1,
    title: 'panel',
    eventBus: {} as PanelProps<T>['eventBus'],
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    onChangeTimeRange: () => {},
    replaceVariables: (text: string) => text.replace(/\$(\w+)/g, (whole, name) => variables[name] ?? whole),
  } as unknown as PanelProps<T>;
}
