import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

/**
 * A TemplateSrv over a fixed set of variables, replacing `$name` and
 * `${name}` the way Grafana does: scoped variables first, a format function
 * gets the raw value (a list for a multi-valued variable), and without one a
 * list becomes Grafana's default `{a,b}`.
 */
export function templateSrvWith(variables: Record<string, string | string[]>): TemplateSrv {
  const pattern = /\$(\w+)|\$\{(\w+)\}/g;
  const valueOf = (name: string, scoped?: ScopedVars) => scoped?.[name]?.value ?? variables[name];
  return {
    getVariables: () => Object.keys(variables).map((name) => ({ name }) as TypedVariableModel),
    containsTemplate: (target?: string) =>
      Boolean(target && [...target.matchAll(pattern)].some((m) => valueOf(m[1] ?? m[2]) !== undefined)),
    replace: (target?: string, scopedVars?: ScopedVars, format?: string | Function) =>
      (target ?? '').replace(pattern, (whole, a, b) => {
        const value = valueOf(a ?? b, scopedVars);
        if (value === undefined) {
          return whole;
        }
        if (typeof format === 'function') {
          return format(value);
        }
        return Array.isArray(value) ? `{${value.join(',')}}` : String(value);
      }),
    updateTimeRange: () => {},
  };
}
