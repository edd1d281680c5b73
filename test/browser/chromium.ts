import { existsSync } from 'node:fs';
import { CHROMIUM_FLAGS } from '@starling/cli';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's chromium package puts the browser (`apt-get install chromium`). */
export const CHROMIUM_PATH = process.env.STARLING_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run here ('' when they can): Debian's chromium is not installed. Tests use
 * `describe.skipIf(chromiumMissing !== '')` and print this reason once, so a skip is never silent.
 */
export const chromiumMissing = existsSync(CHROMIUM_PATH)
  ? ''
  : `${CHROMIUM_PATH} not found (apt-get install chromium; .ci/run installs it)`;

/** A headless Chromium (playwright gives it a fresh temporary profile); `close()` ends it. */
export interface HeadlessChromium {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Starts Debian's Chromium headless through playwright-core (no browser download). */
export async function launchChromium(): Promise<HeadlessChromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
