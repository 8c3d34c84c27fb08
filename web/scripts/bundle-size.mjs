#!/usr/bin/env node
// Prints, as JSON, the gzip size of the JavaScript each area of the SPA loads before its first page renders:
// the entry chunk plus every chunk it statically imports, plus the area's lazy route chunk (console: the queue;
// portal: my tickets; signin: the sign-in page) and the chunks that one statically imports.
// Reads dist/.vite/manifest.json (vite build with build.manifest = true). Run `npm run build` first.
//
//   node scripts/bundle-size.mjs            -> JSON on stdout
//   node scripts/bundle-size.mjs --dist DIR -> another build directory
//
// Also /widget.js, the embeddable chat (vite.widget.config.ts, one file): its gzip size against its own 15 KB budget
// (everything a company's page loads before the chat window opens).
//
// Sizes are what `gzip -c -n FILE | wc -c` gives per chunk (the gzip program at its default level 6), summed;
// where no gzip program is on PATH, node's zlib at level 6 stands in.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const argDist = process.argv.indexOf('--dist');
const dist = resolve(argDist > -1 ? process.argv[argDist + 1] : join(here, '..', 'dist'));
const manifestPath = join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(`no ${manifestPath}: run "npm run build" first`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

const BUDGET_BYTES = 350 * 1024;
const WIDGET_BUDGET_BYTES = 15 * 1024;
const AREAS = {
  console: 'src/console/ConsoleApp.tsx',
  portal: 'src/portal/PortalApp.tsx',
  signin: 'src/auth/SignInPage.tsx',
};

let useGzipCli = true;
function gzipBytes(file) {
  const buf = readFileSync(file);
  if (useGzipCli) {
    try {
      return execFileSync('gzip', ['-c', '-n', '-6'], { input: buf, maxBuffer: 64 * 1024 * 1024 }).length;
    } catch {
      useGzipCli = false;
    }
  }
  return gzipSync(buf, { level: 6 }).length;
}

/** The manifest key and every chunk it statically imports, transitively. */
function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`not in the manifest: ${key}`);
  seen.add(key);
  for (const imp of chunk.imports ?? []) staticClosure(imp, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) throw new Error('no entry chunk in the manifest');

const sizeCache = new Map();
function describe(keys) {
  const files = [...keys]
    .map((k) => manifest[k].file)
    .filter((f) => f.endsWith('.js'))
    .sort();
  let gzip = 0;
  let raw = 0;
  const perFile = files.map((f) => {
    const path = join(dist, f);
    if (!sizeCache.has(f)) sizeCache.set(f, { raw: readFileSync(path).length, gzip: gzipBytes(path) });
    const s = sizeCache.get(f);
    gzip += s.gzip;
    raw += s.raw;
    return { file: f, raw_bytes: s.raw, gzip_bytes: s.gzip };
  });
  return {
    gzip_bytes: gzip,
    gzip_kb: Math.round((gzip / 1024) * 10) / 10,
    raw_bytes: raw,
    within_budget: gzip <= BUDGET_BYTES,
    files: perFile,
  };
}

const entryKeys = staticClosure(entryKey);
const result = {
  dist,
  budget_bytes: BUDGET_BYTES,
  gzip_tool: null,
  entry: describe(entryKeys),
};
for (const [area, src] of Object.entries(AREAS)) {
  if (!manifest[src]) {
    result[area] = { error: `not in the manifest: ${src}` };
    continue;
  }
  result[area] = { route_chunk: manifest[src].file, ...describe(staticClosure(src, new Set(entryKeys))) };
}
const widgetPath = join(dist, 'widget.js');
if (existsSync(widgetPath)) {
  const gzip = gzipBytes(widgetPath);
  result.widget = {
    file: 'widget.js',
    raw_bytes: readFileSync(widgetPath).length,
    gzip_bytes: gzip,
    gzip_kb: Math.round((gzip / 1024) * 10) / 10,
    budget_bytes: WIDGET_BUDGET_BYTES,
    within_budget: gzip <= WIDGET_BUDGET_BYTES,
  };
} else {
  result.widget = { error: 'no widget.js in the build (vite build -c vite.widget.config.ts)' };
}
result.gzip_tool = useGzipCli ? 'gzip -c -n -6' : 'node zlib level 6';
// Cognito code must never be part of what local mode loads first.
const cognitoFiles = Object.entries(manifest)
  .filter(([k]) => k.includes('cognito') || k.includes('Cognito'))
  .map(([, v]) => v.file);
result.cognito_in_initial_chunks = cognitoFiles.some((f) =>
  ['console', 'portal', 'signin'].some((a) => result[a].files?.some((x) => x.file === f)),
);

console.log(JSON.stringify(result, null, 2));
