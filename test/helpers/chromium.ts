/**
 * Headless Chromium for the browser tests, from the npm registry: the
 * `@sparticuz/chromium` package ships a brotli-compressed Chromium headless
 * shell, which this helper unpacks once per package version into
 * node_modules/.cache/tokor-chromium/<version>/ and launches with
 * playwright-core. No apt, no root, no download at run time.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Chromium from '@sparticuz/chromium';
import { chromium, type BrowserContext } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGE_DIR = path.join(ROOT, 'node_modules', '@sparticuz', 'chromium');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'tokor-chromium');
const DONE = '.unpacked';

/**
 * Flags checked on a 2-core container as root with the network closed:
 * --no-sandbox because Chromium refuses to run as root with its sandbox;
 * --disable-gpu since there is none; the rest keep the browser from
 * calling home (updates, sync, first-run pages, QUIC probes).
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The unpacked browser's folder. The package unpacks into os.tmpdir(), so it
 * is pointed (through TMPDIR) at a fresh staging folder that is renamed into
 * place only when complete: a run killed half-way, or two runs at once,
 * never leave a broken browser behind.
 */
async function unpackedDir(): Promise<string> {
  const dir = path.join(CACHE, packageVersion());
  if (existsSync(path.join(dir, DONE))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(path.join(CACHE, 'staging-'));
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const exe = await Chromium.executablePath();
    if (path.dirname(exe) !== staging) throw new Error(`@sparticuz/chromium unpacked to ${exe}, expected it in ${staging}`);
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  // Fonts: the package's own (Open Sans) plus the system's where it has any, so text renders on a bare machine too.
  writeFileSync(
    path.join(staging, 'fonts.conf'),
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
      `  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>`,
      `  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(staging, DONE), '');
  try {
    renameSync(staging, dir);
  } catch (e) {
    // Another run finished first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(dir, DONE))) throw e;
  }
  return dir;
}

export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh, private user-data-dir (removed on close). */
export async function launchChromium(): Promise<LaunchedChromium> {
  const dir = await unpackedDir();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'tokor-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: path.join(dir, 'chromium'),
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, FONTCONFIG_FILE: path.join(dir, 'fonts.conf') },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
