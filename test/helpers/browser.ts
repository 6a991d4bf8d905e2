// A signed-in console in headless Chromium (Debian's, driven by playwright-core) for the browser tests:
// the standard flags, a zh-CN page in Shanghai time, and every browser error (console errors, page errors,
// responses of 400 and above) collected for the test to assert none came unexpectedly.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { ADMIN, type TestServer } from './server.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** The flags every browser test launches Chromium with. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Browser tests run where Chromium is installed, in the sqlite project only (the browser does not care about the SQL dialect). */
export const hasChromium = existsSync(CHROMIUM);
export const browserTestsRun = hasChromium && process.env.SHEQUN_TEST_DIALECT !== 'postgres';
export const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;

export interface ConsoleSession {
  browser: Browser;
  page: Page;
  /** The browser errors seen since the last call, emptied. */
  takeErrors(): string[];
}

/** Builds the web apps when they are missing, opens the console and signs in as the test server's admin. */
export async function signedInConsole(t: TestServer): Promise<ConsoleSession> {
  if (!existsSync(new URL('../../web/dist/console/index.html', import.meta.url))) execSync('npm run build:web', { stdio: 'inherit' });
  const errors: string[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // Reduced motion (the console honours it): no picker or overlay is clicked while it is still animating in.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
  const page = await context.newPage();
  // CI has two cores shared with other test files: a click can wait seconds for the page to settle.
  page.setDefaultTimeout(15_000);
  trackRequests(page);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`response: ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${t.url}/`);
  await page.getByTestId('signin-email').fill(ADMIN.email);
  await page.getByTestId('signin-password').fill(ADMIN.password);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('whoami').waitFor();
  return { browser, page, takeErrors: () => errors.splice(0, errors.length) };
}

const inFlight = new WeakMap<Page, Map<Request, number>>();

/** Keeps the requests a page has sent and not yet had answered, for `printPages`. */
function trackRequests(page: Page): void {
  const open = new Map<Request, number>();
  inFlight.set(page, open);
  page.on('request', (r) => open.set(r, Date.now()));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
}

/**
 * Prints what each page shows and which of its requests are still unanswered. Called when a step fails, so
 * that a failure seen only in a loaded CI run can be read from the run's log.
 */
export async function printPages(step: string, pages: Page[]): Promise<void> {
  for (const [i, page] of pages.entries()) {
    if (page.isClosed()) continue;
    const text = await page.locator('body').innerText({ timeout: 2_000 }).catch((e: Error) => `(no text: ${e.message})`);
    const waiting = [...(inFlight.get(page) ?? new Map<Request, number>())].map(([r, at]) => `${r.method()} ${new URL(r.url()).pathname} for ${Date.now() - at} ms`);
    console.error(`[${step}] page ${i}: ${page.url()}\n  waiting on: ${waiting.join('; ') || 'nothing'}\n  shows: ${text.replace(/\s+/g, ' ').slice(0, 800)}`);
  }
}

/** Collects what a page says went wrong (console errors, uncaught errors, 4xx/5xx answers, dialogs) into `errors`. */
export function recordPageErrors(page: Page, errors: string[]): void {
  trackRequests(page);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`response: ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
}
