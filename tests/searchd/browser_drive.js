// browser_drive.js — a click-through of the secstd page in headless
// Chromium over the DevTools protocol (Node >= 20 with
// --experimental-websocket; no npm packages). Used by test_browser.sh.
//
//   node --experimental-websocket browser_drive.js CHROMIUM BASE_URL ARTIFACT_DIR
//
// It types a query, waits for instant results, clicks a facet, opens a
// result with the keyboard, checks the detail view (relations, similar),
// goes back with the browser's back button, goes from the coverage map to
// an area's overlap clusters, filters "What's new" and checks its feed
// links, checks a hostile record stays inert, and saves a screenshot after
// each step. Exits non-zero on the
// first failed check.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, base, artifacts] = process.argv.slice(2);
if (!chromium || !base || !artifacts) {
  console.error('usage: browser_drive.js CHROMIUM BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'secstd-cdp-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--remote-debugging-port=0', '--window-size=1366,900',
  '--user-data-dir=' + profile, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
browser.stderr.on('data', (d) => { stderr += d; });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let ws, nextId = 1;
const pending = new Map();

function fail(msg) {
  console.error('FAIL: ' + msg);
  cleanup(1);
}
function cleanup(code) {
  try { browser.kill('SIGKILL'); } catch (e) { /* gone */ }
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* best effort */ }
  process.exit(code);
}
setTimeout(() => fail('timed out after 120 s'), 120000).unref();

function send(method, params = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    setTimeout(() => { if (pending.delete(id)) reject(new Error(method + ' timed out')); }, 20000);
  });
}

async function evaluate(expr) {
  const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) throw new Error('evaluate failed: ' + expr + ': ' + JSON.stringify(r.exceptionDetails));
  return r.result.value;
}

async function waitFor(expr, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if (await evaluate(expr)) return; } catch (e) { /* page navigating */ }
    await sleep(100);
  }
  try {
    await screenshot('failed');
    console.error('location: ' + await evaluate('location.href'));
  } catch (e) { /* best effort */ }
  fail('waiting for ' + what + ' (' + expr + ')');
}

async function screenshot(name) {
  const r = await send('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(path.join(artifacts, name + '.png'), Buffer.from(r.data, 'base64'));
  console.log('screenshot ' + name + '.png');
}

async function clickSelector(sel) {
  const rect = await evaluate(`(function(){const e=document.querySelector(${JSON.stringify(sel)});
    if(!e) return null; e.scrollIntoView({block:'center'}); const r=e.getClientRects()[0];
    return {x:r.left+r.width/2, y:r.top+r.height/2};})()`);
  if (!rect) fail('no element ' + sel);
  for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
    await send('Input.dispatchMouseEvent', { type, x: rect.x, y: rect.y, button: 'left', clickCount: 1 });
}

async function key(k, code, keyCode, text) {
  await send('Input.dispatchKeyEvent', { type: 'keyDown', key: k, code, windowsVirtualKeyCode: keyCode, text });
  await send('Input.dispatchKeyEvent', { type: 'keyUp', key: k, code, windowsVirtualKeyCode: keyCode });
}

async function main() {
  // DevTools writes its port into the profile once it listens.
  let port;
  for (let i = 0; i < 200 && !port; i++) {
    try { port = fs.readFileSync(path.join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0]; } catch (e) { await sleep(100); }
  }
  if (!port) fail('chromium did not start: ' + stderr.slice(0, 2000));
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = targets.find((t) => t.type === 'page');
  if (!page) fail('no page target');
  ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(JSON.stringify(msg.error))); else p.resolve(msg.result);
    }
  };
  await send('Page.enable');
  await send('Runtime.enable');

  // 1. The empty page lists every standard with facets.
  await send('Page.navigate', { url: base });
  await waitFor(`document.querySelectorAll('#results .result').length > 0`, 'initial results');
  await screenshot('01-home');

  // 1b. Without words the results are by date, and the Sort control says so.
  if ((await evaluate(`document.getElementById('sort').value`)) !== 'date') fail('Sort control does not say "Newest" for a search without words');
  // The Filters badge is hidden while no filter is active.
  const badge0 = await evaluate(`(function(){const b=document.getElementById('active-count'); return {hidden: b.hidden, display: getComputedStyle(b).display};})()`);
  if (!badge0.hidden || badge0.display !== 'none') fail('Filters badge is visible without filters: ' + JSON.stringify(badge0));
  // "Skip to results" lands on the results column, past the filter panel.
  await evaluate(`document.getElementById('skip').click()`);
  const skipped = await evaluate(`(function(){const a=document.activeElement; return a && a.tagName === 'H1' && !!a.closest('.results-col');})()`);
  if (!skipped) fail('"Skip to results" did not move focus to the results heading');

  // 1c. Paging past the last page says so and links to the last page.
  const total = await evaluate(`fetch('/api/search?per_page=20&facets=0').then(r => r.json()).then(b => b.total)`);
  const lastPage = Math.ceil(total / 20);
  for (const page of [lastPage + 3, 600]) {
    await send('Page.navigate', { url: base + '?page=' + page });
    await waitFor(`document.querySelector('#results .past-end') !== null`, 'past-the-end notice for page ' + page);
    const past = await evaluate(`(function(){
       return {text: document.getElementById('results').textContent, summary: document.getElementById('summary').textContent,
               last: document.querySelector('#results .past-end a.last-page') && document.querySelector('#results .past-end a.last-page').getAttribute('href'),
               error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
               results: document.querySelectorAll('#results .result').length};})()`);
    if (!/past the end/.test(past.text) || past.results) fail('page ' + page + ': no past-the-end notice: ' + JSON.stringify(past));
    if (past.last !== '/?page=' + lastPage) fail('page ' + page + ': last-page link is ' + past.last + ', want /?page=' + lastPage);
    if (/showing/.test(past.summary)) fail('page ' + page + ': summary shows an impossible range: ' + past.summary);
    if (past.error || /search\.csv|narrow the search or use/.test(past.text.replace('download every result as CSV', ''))) fail('page ' + page + ': raw API error shown: ' + past.error + past.text);
    if (!(await evaluate(`[...document.querySelectorAll('#pager a')].every(a => +new URLSearchParams(a.search).get('page') <= ${lastPage} )`)))
      fail('page ' + page + ': the pager links past the end');
  }
  await clickSelector('#results .past-end a.last-page');
  await waitFor(`new URLSearchParams(location.search).get('page') === '${lastPage}' && document.querySelectorAll('#results .result').length > 0`, 'the last page');
  await screenshot('01b-last-page');

  // 1d. An unknown standard: a human message and a link to search for it.
  await send('Page.navigate', { url: base + '?id=' + encodeURIComponent('ITU-T X.9999') });
  await waitFor(`document.querySelector('#detail .error-inline') !== null`, 'unknown standard message');
  const missing = await evaluate(`(function(){const d=document.getElementById('detail');
     const a=d.querySelector('a.search-for-id'); return {text: d.textContent, href: a && a.getAttribute('href'),
     error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent};})()`);
  if (/\/api\//.test(missing.text) || missing.error) fail('unknown standard shows an API path or raw error: ' + JSON.stringify(missing));
  if (missing.href !== '/?q=ITU-T+X.9999') fail('unknown standard: no search link, got ' + missing.href);
  await clickSelector('#detail a.search-for-id');
  await waitFor(`!document.getElementById('view-search').hidden && new URLSearchParams(location.search).get('q') === 'ITU-T X.9999'`, 'search for the unknown id');
  await screenshot('01c-unknown-id');

  // 1e. Editions newest first by date, undated last.
  await send('Page.navigate', { url: base + '?id=' + encodeURIComponent('ITU-T X.1035') });
  await waitFor(`document.querySelectorAll('#detail .editions li').length === 5`, 'editions of X.1035');
  const eds = await evaluate(`[...document.querySelectorAll('#detail .editions li')].map(li => li.textContent)`);
  const dates = eds.map((t) => (t.match(/\d{4}-\d{2}-\d{2}/) || [''])[0]);
  const want = ['2012-10-14', '2003-05-14', '2000-02-04', '1996-11-25', ''];
  if (JSON.stringify(dates) !== JSON.stringify(want)) fail('editions not newest first: ' + eds.join(' | '));
  // 1f. Function words left out of a search are named above the results.
  await send('Page.navigate', { url: base + '?q=' + encodeURIComponent('security for the consumer') });
  await waitFor(`document.querySelectorAll('#results .result').length > 0`, 'results for "security for the consumer"');
  const ign = await evaluate(`(function(){const n=document.getElementById('notice'); return {hidden: n.hidden, text: n.textContent};})()`);
  if (ign.hidden || !/Common words ignored: for, the\b/.test(ign.text)) fail('ignored words not shown: ' + JSON.stringify(ign));
  await screenshot('01d-ignored-words');
  // 1g. A superseded standard names what replaced it, linked to its page.
  await send('Page.navigate', { url: base + '?q=' + encodeURIComponent('RFC 5246') });
  await waitFor(`document.querySelectorAll('#results .result').length > 0`, 'results for "RFC 5246"');
  const sup = await evaluate(`(function(){const p=document.querySelector('#results .result .superseded-by');
     return p ? {text: p.textContent, href: p.querySelector('a').getAttribute('href')} : null;})()`);
  if (!sup || sup.text !== 'Superseded by RFC 8446') fail('successor not shown: ' + JSON.stringify(sup));
  await screenshot('01e-superseded-by');
  await clickSelector('#results .result .superseded-by a');
  await waitFor(`!document.getElementById('view-detail').hidden && new URLSearchParams(location.search).get('id') === 'RFC 8446'`, 'the successor\'s page');

  await send('Page.navigate', { url: base });
  await waitFor(`document.querySelectorAll('#results .result').length > 0`, 'initial results again');

  // 2. Type a query: instant results without pressing Enter.
  await send('Runtime.evaluate', { expression: `document.getElementById('q').focus()` });
  await send('Input.insertText', { text: 'authentication' });
  await waitFor(`location.search.includes('q=authentication') && document.querySelector('#summary q') && document.querySelector('#summary q').textContent === 'authentication'`, 'instant results for "authentication"');
  const n1 = await evaluate(`document.querySelectorAll('#results .result').length`);
  console.log('results for authentication: ' + n1);
  await screenshot('02-typed-query');

  // 3. Click the facet checkbox of one SDO.
  const sdo = await evaluate(`(function(){const f=[...document.querySelectorAll('.facet')].find(x=>x.querySelector('legend').textContent==='Standards body');
     const row=f.querySelector('.facet-row'); return row.querySelector('.facet-label').textContent;})()`);
  const boxId = await evaluate(`(function(){const f=[...document.querySelectorAll('.facet')].find(x=>x.querySelector('legend').textContent==='Standards body');
     return f.querySelector('.facet-row input').id;})()`);
  await clickSelector('#' + boxId);
  await waitFor(`new URLSearchParams(location.search).getAll('sdo').includes(${JSON.stringify(sdo)}) && !document.querySelector('.results-col').classList.contains('loading')`, 'facet ' + sdo + ' applied');
  await sleep(300);
  const sdos = await evaluate(`[...document.querySelectorAll('#results .result .pill.sdo')].map(e=>e.textContent)`);
  if (!sdos.length || sdos.some((s) => s !== sdo)) fail('facet ' + sdo + ' not applied: ' + sdos.join(','));
  if (!(await evaluate(`document.querySelector('#chips .chip') !== null`))) fail('no active-filter chip');
  // The chip names the filter as the panel does; the badge counts it.
  const chip = await evaluate(`document.querySelector('#chips .chip').textContent`);
  if (!chip.startsWith('Standards body ' + sdo)) fail('chip label differs from the panel: ' + chip);
  const badge1 = await evaluate(`(function(){const b=document.getElementById('active-count'); return {text: b.textContent, display: getComputedStyle(b).display};})()`);
  if (badge1.text !== '1' || badge1.display === 'none') fail('Filters badge does not show 1: ' + JSON.stringify(badge1));
  console.log('facet ' + sdo + ': ' + sdos.length + ' results');
  await screenshot('03-facet');

  // 4. Keyboard: '/' focuses the box; ArrowDown into the results; Enter opens.
  await send('Runtime.evaluate', { expression: `document.activeElement.blur()` });
  await key('/', 'Slash', 191, '/');
  if (!(await evaluate(`document.activeElement === document.getElementById('q')`))) fail('"/" did not focus the search box');
  await key('ArrowDown', 'ArrowDown', 40);
  if (!(await evaluate(`document.activeElement.classList.contains('result')`))) fail('ArrowDown did not move into the results');
  const firstId = await evaluate(`document.activeElement.querySelector('a.rid').textContent`);
  await key('Enter', 'Enter', 13, '\r');
  await waitFor(`!document.getElementById('view-detail').hidden && document.querySelector('.detail-id') && document.querySelector('.detail-id').textContent === ${JSON.stringify(firstId)}`, 'detail of ' + firstId);
  await screenshot('04-detail-keyboard');

  // 5. Back button restores the filtered search.
  await send('Runtime.evaluate', { expression: 'history.back()' });
  await waitFor(`!document.getElementById('view-search').hidden && new URLSearchParams(location.search).getAll('sdo').includes(${JSON.stringify(sdo)})`, 'back to the filtered search');

  // 6. Click through to X.509: relations both ways and similar standards.
  await send('Page.navigate', { url: base + '?q=X.509' });
  await waitFor(`document.querySelector('#results .result a.rid') && document.querySelector('#results .result a.rid').textContent === 'ITU-T X.509'`, 'X.509 first');
  await clickSelector('#results .result .rtitle a');
  await waitFor(`document.querySelector('.rel-table') && document.querySelector('.similar-list')`, 'relations and similar of X.509');
  const rel = await evaluate(`document.querySelector('.rel-table').textContent`);
  if (!rel.includes('ISO/IEC 9594-8')) fail('X.509 detail lacks its ISO/IEC twin: ' + rel);
  await screenshot('05-detail-x509');
  await clickSelector('.rel-table a.rid');
  await waitFor(`document.querySelector('.detail-id') && document.querySelector('.detail-id').textContent === 'ISO/IEC 9594-8'`, 'following a relation');
  const back = await evaluate(`document.querySelector('.rel-table').textContent`);
  if (!back.includes('ITU-T X.509')) fail('the twin does not link back to X.509');

  // 7. Areas browser: area -> standards by SDO.
  await send('Page.navigate', { url: base + '?view=areas' });
  await waitFor(`document.querySelectorAll('.area-card').length > 10`, 'area cards');
  await screenshot('06-areas');
  await clickSelector('.area-card .sdo-chip');
  await waitFor(`new URLSearchParams(location.search).getAll('area').length === 1 && new URLSearchParams(location.search).getAll('sdo').length === 1 && document.querySelectorAll('#results .result').length > 0`, 'area x SDO results');

  // 8. Coverage map.
  await send('Page.navigate', { url: base + '?view=coverage' });
  await waitFor(`document.querySelectorAll('#coverage tbody tr').length > 10`, 'coverage rows');
  if (!(await evaluate(`document.querySelectorAll('#coverage td.gap-cell').length > 0 && document.querySelectorAll('#coverage .trend .bar').length > 0`)))
    fail('coverage map lacks gaps or the per-year trend');
  if (!(await evaluate(`(function(){const w=document.querySelector('.matrix-wrap'); return w.scrollWidth <= w.clientWidth + 1;})()`)))
    fail('the coverage table is wider than its box at 1366 px');
  await screenshot('07-coverage');

  // 8b. From a coverage row to that area's overlap clusters.
  await clickSelector('#coverage a.row-overlap[href*="area=pki"]');
  await waitFor(`!document.getElementById('view-overlap').hidden && new URLSearchParams(location.search).get('area') === 'pki' && document.querySelectorAll('#overlap .cluster').length > 0`, 'overlap clusters of pki');
  const twin = await evaluate(`[...document.querySelectorAll('#overlap .cluster')].some(c => c.textContent.includes('ITU-T X.509') && c.textContent.includes('ISO/IEC 9594-8') && c.textContent.includes('identical text'))`);
  if (!twin) fail('no cluster holds ITU-T X.509 and its identical ISO/IEC text');
  const csv = await evaluate(`document.getElementById('overlap-csv').getAttribute('href')`);
  if (csv !== '/overlap.csv?area=pki') fail('overlap CSV link is ' + csv);
  await screenshot('07b-overlap');
  // Switch the area with the picker; a member opens its detail.
  await evaluate(`(function(){const s=document.getElementById('ov-area'); s.value='network'; s.dispatchEvent(new Event('change'));})()`);
  await waitFor(`new URLSearchParams(location.search).get('area') === 'network' && document.getElementById('overlap-title').textContent.includes(${JSON.stringify('Network')})`, 'overlap area switched');
  await send('Runtime.evaluate', { expression: 'history.back()' });
  await waitFor(`new URLSearchParams(location.search).get('area') === 'pki' && document.querySelectorAll('#overlap .cluster a.rid').length > 0`, 'back to pki overlap');
  await clickSelector('#overlap .cluster a.rid');
  await waitFor(`!document.getElementById('view-detail').hidden && document.querySelector('.detail-id')`, 'detail from an overlap member');

  // 8c. What's new: the change report, a filter, the feed links.
  await clickSelector('#tab-changes');
  await waitFor(`!document.getElementById('view-changes').hidden && document.querySelectorAll('#changes .gen-card').length > 0`, "what's new");
  const added = await evaluate(`[...document.querySelectorAll('#changes .chg-added a.rid')].map(a => a.textContent)`);
  if (!added.includes('W3C changes-test-1')) fail('what\'s new lacks the added standard: ' + added.join(','));
  const moved = await evaluate(`document.querySelector('#changes .chg-status') && document.querySelector('#changes .chg-status').textContent`);
  if (!moved || !moved.includes('ITU-T X.1205') || !moved.includes('withdrawn')) fail('status change not shown: ' + moved);
  const injected = await evaluate(`document.querySelectorAll('#changes img, #changes script').length + [...document.querySelectorAll('#changes a')].filter(a => !/^https?:/.test(a.href)).length`);
  if (injected) fail('markup or unsafe links in what\'s new');
  await screenshot('10-whats-new');
  await evaluate(`(function(){const s=document.getElementById('ch-sdo'); s.value='W3C'; s.dispatchEvent(new Event('change'));})()`);
  await waitFor(`new URLSearchParams(location.search).get('sdo') === 'W3C' && !document.getElementById('changes').classList.contains('loading') && !document.querySelector('#changes .chg-status')`, "what's new filtered by W3C");
  const feeds = await evaluate(`[document.getElementById('feed').getAttribute('href'), document.getElementById('feed-alt').getAttribute('href')]`);
  if (feeds[0] !== '/feeds/changes.atom?sdo=W3C' || feeds[1] !== feeds[0]) fail('feed links do not follow the filter: ' + feeds.join(' '));
  const atom = await evaluate(`fetch(${JSON.stringify('/feeds/changes.atom?sdo=W3C')}).then(r => r.status + ' ' + r.headers.get('content-type'))`);
  if (!atom.startsWith('200 application/atom+xml')) fail('feed answered ' + atom);
  await screenshot('11-whats-new-filtered');

  // 9. Hostile data stays text.
  await send('Page.navigate', { url: base + '?q=hostile' });
  await waitFor(`document.querySelectorAll('#results .result').length > 0`, 'hostile record');
  const inert = await evaluate(`(function(){
     const r=document.getElementById('results');
     return {scripts: r.querySelectorAll('script,img,iframe,b').length,
             text: r.textContent.includes("<script>alert('xss')</script>"),
             title: document.title, js: [...r.querySelectorAll('a')].some(a=>a.href.startsWith('javascript:'))};})()`);
  if (inert.scripts || !inert.text || inert.title === 'pwned' || inert.js) fail('hostile data was not inert: ' + JSON.stringify(inert));
  await clickSelector('#results .result .rtitle a');
  await waitFor(`document.querySelector('.detail-id') && document.querySelector('.detail-id').textContent === 'W3C hostile-test-1'`, 'hostile detail');
  const ext = await evaluate(`[...document.querySelectorAll('#detail a')].filter(a=>!/^https?:/.test(a.href)).map(a=>a.href)`);
  if (ext.length) fail('unsafe links in the detail view: ' + ext.join(' '));
  await screenshot('08-hostile-detail');

  // 10. Phone width.
  await send('Emulation.setDeviceMetricsOverride', { width: 390, height: 844, deviceScaleFactor: 2, mobile: true });
  await send('Page.navigate', { url: base + '?q=5G%20security' });
  await waitFor(`document.querySelectorAll('#results .result').length > 0`, 'phone results');
  await sleep(200);
  const overflow = await evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`);
  if (overflow) fail('the page scrolls sideways on a phone');
  await screenshot('09-phone');
  // The folded Filters panel shows that it opens.
  const marker = await evaluate(`getComputedStyle(document.querySelector('#facets summary'), '::after').content`);
  if (!marker || marker === 'none') fail('the folded Filters panel has no open/close indicator');
  // Coverage on a phone: the row headers leave room for the numbers.
  await send('Page.navigate', { url: base + '?view=coverage' });
  await waitFor(`document.querySelectorAll('#coverage tbody tr').length > 10`, 'coverage rows on a phone');
  const rowHead = await evaluate(`document.querySelector('#coverage tbody th').getBoundingClientRect().width`);
  if (rowHead > 390 * 0.4) fail('coverage row headers take ' + rowHead + ' px of 390');
  if (await evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`)) fail('the coverage page scrolls sideways on a phone');
  await screenshot('12-coverage-phone');
  console.log('browser click-through: ok');
  cleanup(0);
}

main().catch((e) => fail(e.stack || String(e)));
