// The deployment files at the repository root, read as Docker Compose and
// Grafana read them, for the deploy tests (Docker and Grafana cannot run on
// the CI machines, so their inputs are checked here instead).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PLUGIN_DIR = join(ROOT, 'grafana-plugins/shotline-app');

export function rootPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

/** YAML as Compose and Grafana read it: YAML 1.1 merge keys (`<<: *anchor`) resolved. */
export function readYaml(path: string): any {
  return parse(readFileSync(path, 'utf8'), { merge: true, maxAliasCount: 1000 });
}

/** Files under `dir` (relative to it) whose name ends with `suffix`, skipping node_modules and dist. */
export function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export interface PluginJson {
  file: string;
  id: string;
  type: string;
  json: any;
}

/** Every plugin.json of the Shotline app plugin's sources (the app and its nested plugins). */
export function pluginJsons(): PluginJson[] {
  const src = join(PLUGIN_DIR, 'src');
  return filesUnder(src, 'plugin.json').map((file) => {
    const json = JSON.parse(readFileSync(join(src, file), 'utf8'));
    return { file: `src/${file}`, id: json.id, type: json.type, json };
  });
}

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a Compose value interpolates (`$$` is a literal `$`), with their defaults. */
export function composeVariables(text: string): { name: string; hasDefault: boolean; required: boolean }[] {
  const out = [];
  for (const m of text.replaceAll('$$', '').matchAll(INTERPOLATION)) {
    out.push({ name: m[1] ?? m[6]!, hasDefault: m[2] !== undefined, required: m[4] !== undefined });
  }
  return out;
}

/** A Compose value as Compose makes it with nothing set in the environment: defaults used, `$$` → `$`. */
export function interpolateDefaults(value: string): string {
  return value
    .split('$$')
    .map((part) => part.replace(INTERPOLATION, (_all, _name, dash, def) => (dash !== undefined ? def : '')))
    .join('$');
}
