import { describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from './chromium.js';

if (chromiumMissing) console.warn(`browser tests are skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== '')('headless Chromium', () => {
  it('renders a page and runs its script', async () => {
    const chrome = await launchChromium();
    try {
      const page = await chrome.browser.newPage();
      await page.setContent('<p id="x"></p><script>document.getElementById("x").textContent = String(6 * 7)</script>');
      expect(await page.textContent('#x')).toBe('42');
    } finally {
      await chrome.close();
    }
  }, 60_000);
});
