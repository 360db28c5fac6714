// Opens the pages in headless Chromium (puppeteer-core against the
// system's chromium) from a static server on loopback, and fails unless
// each page reports no error.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [dir, chromium] = process.argv.slice(2);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(path.resolve(dir)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = 0;
try {
  for (const page of ['page.html', 'bundle.html', 'rollup.html']) {
    const tab = await browser.newPage();
    const logs = [];
    tab.on('console', (m) => logs.push(m.text()));
    tab.on('pageerror', (e) => logs.push(String(e)));
    await tab.goto(`${base}/${page}`);
    await tab.waitForFunction('window.telnumResult !== undefined', { timeout: 60_000 });
    const errors = await tab.evaluate('window.telnumResult');
    if (errors.length === 0) {
      console.log(`chromium ${page}: ok`);
    } else {
      failed += 1;
      console.log(`chromium ${page}:\n  ${errors.join('\n  ')}\n  console: ${logs.join(' | ')}`);
    }
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
