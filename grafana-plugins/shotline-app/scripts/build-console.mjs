// Builds the Shotline console (src/console/) into dist-console/: the bundle
// (esbuild, minified, source maps, one chunk per page), index.html, and what
// @grafana/ui loads at run time from its public path (icons, fonts), which
// Grafana serves for plugins but the relay-service has to serve itself.
//
//   node scripts/build-console.mjs            build
//   node scripts/build-console.mjs --if-stale build only when a source is newer than the bundle
//   node scripts/build-console.mjs --dev      not minified (for debugging)
import { build } from 'esbuild';
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pluginDir, 'dist-console');
const require = createRequire(join(pluginDir, 'package.json'));
const args = new Set(process.argv.slice(2));

/** The sources whose change makes the bundle stale. */
const SOURCES = [
  join(pluginDir, 'src'),
  join(pluginDir, 'package.json'),
  join(pluginDir, 'scripts', 'build-console.mjs'),
  // a dependency upgrade changes the bundle too
  join(pluginDir, '..', '..', 'package-lock.json'),
];

// Files of @grafana/ui's GlobalStyles (themes/GlobalStyles/fonts.mjs), from the @fontsource packages.
const FONTS = {
  'inter/Inter-Regular.woff2': '@fontsource/inter/files/inter-latin-400-normal.woff2',
  'inter/Inter-Medium.woff2': '@fontsource/inter/files/inter-latin-500-normal.woff2',
  'inter/Inter-Italic.woff2': '@fontsource/inter/files/inter-latin-400-italic.woff2',
  'inter/Inter-MediumItalic.woff2': '@fontsource/inter/files/inter-latin-500-italic.woff2',
  'roboto/L0xTDF4xlVMF-BfR8bXMIhJHg45mwgGEFl0_3vrtSM1J-gEPT5Ese6hmHSh0mQ.woff2':
    '@fontsource/roboto-mono/files/roboto-mono-latin-400-normal.woff2',
};

async function newestMtime(path) {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    return 0;
  }
  if (!info.isDirectory()) {
    return info.mtimeMs;
  }
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

async function isStale() {
  const built = await stat(join(outDir, 'index.html')).catch(() => undefined);
  if (!built) {
    return true;
  }
  for (const source of SOURCES) {
    if ((await newestMtime(source)) > built.mtimeMs) {
      return true;
    }
  }
  return false;
}

/** Page components not written yet, each replaced by a notice that names the missing file (see src/console/pages.ts). */
const missing = [];
const missingPages = {
  name: 'missing-pages',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/components\/[A-Za-z]+\/[A-Za-z]+$/ }, async (args) => {
      const file = join(args.resolveDir, `${args.path}.tsx`);
      if (await stat(file).catch(() => undefined)) {
        return undefined;
      }
      missing.push(relative(pluginDir, file));
      return { path: file, namespace: 'missing-page' };
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'missing-page' }, (args) => ({
      resolveDir: join(pluginDir, 'src/console'),
      loader: 'tsx',
      contents: `import { MissingPage } from './MissingPage';
export default function Missing() { return <MissingPage file=${JSON.stringify(relative(pluginDir, args.path))} />; }`,
    }));
  },
};

function indexHtml(script, styles) {
  const links = styles.map((href) => `    <link rel="stylesheet" href="${href}" />\n`).join('');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="description" content="Shotline console: shot sheets, live trigger monitor, search and administration of the Shotline relay-service" />
    <title>Shotline console</title>
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
    <style>
      /* the shell fills the window; Grafana's GlobalStyles leave the body's margin to the host */
      body {
        margin: 0;
      }
    </style>
${links}    <script type="module" src="${script}"></script>
  </head>
  <body>
    <noscript>
      <p>The Shotline console needs JavaScript. Enable it for this site, or use the relay's HTTP API (/openapi.json) or the Shotline app in Grafana.</p>
    </noscript>
    <div id="root"></div>
  </body>
</html>
`;
}

async function main() {
  if (args.has('--if-stale') && !(await isStale())) {
    console.log(`build-console: ${relative(process.cwd(), outDir) || outDir} is up to date`);
    return;
  }
  const started = performance.now();
  const dev = args.has('--dev');
  // Built beside the old bundle and swapped in at the end, so a relay serving it never sees half a build.
  const staging = `${outDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: pluginDir,
    entryPoints: { console: 'src/console/index.tsx' },
    outdir: join(staging, 'assets'),
    // chunks import each other by this path; the relay serves the console at its root
    publicPath: '/assets',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: !dev,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'eof',
    jsx: 'automatic',
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file' },
    plugins: [missingPages],
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'), global: 'globalThis' },
    logLevel: 'warning',
  });

  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === 'src/console/index.tsx');
  if (!entry) {
    throw new Error('esbuild produced no output for src/console/index.tsx');
  }
  const [entryFile, entryOutput] = entry;
  const asset = (file) => `/assets/${basename(file)}`;
  const styles = entryOutput.cssBundle ? [asset(entryOutput.cssBundle)] : [];
  await writeFile(join(staging, 'index.html'), indexHtml(asset(entryFile), styles));

  // Grafana serves the unicons (Apache-2.0 release 3, as Grafana ships them) and @grafana/ui's own icons;
  // Icon fetches any of them by name at run time.
  await cp(
    join(dirname(require.resolve('@iconscout/unicons/package.json')), 'svg/line'),
    join(staging, 'build/img/icons/unicons'),
    {
      recursive: true,
    }
  );
  await cp(
    join(dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons'),
    join(staging, 'build/img/icons'),
    {
      recursive: true,
    }
  );
  await cp(join(pluginDir, 'src/img/logo.svg'), join(staging, 'favicon.svg'));
  for (const [target, source] of Object.entries(FONTS)) {
    await mkdir(dirname(join(staging, 'fonts', target)), { recursive: true });
    await cp(require.resolve(source), join(staging, 'fonts', target));
  }

  await swapIn(staging, outDir);
  if (missing.length > 0) {
    console.warn(`build-console: WARNING: pages not written yet, shown as a notice: ${missing.join(', ')}`);
  }

  const outputs = Object.entries(result.metafile.outputs).filter(([f]) => !f.endsWith('.map'));
  const jsBytes = outputs.filter(([f]) => f.endsWith('.js')).reduce((n, [, o]) => n + o.bytes, 0);
  console.log(
    `build-console: ${relative(process.cwd(), outDir) || outDir} in ${Math.round(performance.now() - started)} ms: ` +
      `${kib(firstLoad(result.metafile, entryFile))} of JavaScript before the sign-in screen shows, ` +
      `${kib(jsBytes)} in ${outputs.filter(([f]) => f.endsWith('.js')).length} files in all (pages load on demand)`
  );
}

/** Replaces outDir by staging; another build finishing at the same moment may get there first, so it retries. */
async function swapIn(staging, target) {
  for (let attempt = 1; ; attempt++) {
    await rm(target, { recursive: true, force: true });
    try {
      await rename(staging, target);
      return;
    } catch (err) {
      if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST', 'EPERM'].includes(err.code)) {
        await rm(staging, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

/** Bytes of the entry and every chunk it imports statically: what the browser fetches before anything shows. */
function firstLoad(metafile, entryFile) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !metafile.outputs[file]) {
      return;
    }
    seen.add(file);
    for (const imported of metafile.outputs[file].imports) {
      if (imported.kind === 'import-statement') {
        visit(imported.path);
      }
    }
  };
  visit(entryFile);
  return [...seen].reduce((n, f) => n + metafile.outputs[f].bytes, 0);
}

main().catch((err) => {
  console.error(`build-console: ${err.message}`);
  process.exit(1);
});
