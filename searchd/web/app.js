/* app.js — the secstd web page: search with instant results, facets,
 * technology-area browser, coverage map (gap map with a per-year trend),
 * cross-body overlap clusters per area, "what's new" from the refresh
 * change reports, and a standard's detail view, all from the JSON API of
 * searchd. The URL's query string carries the whole
 * state (permalinks; the back button works).
 *
 * Safety rule: data from the index is only ever put on the page with
 * textContent / createTextNode / setAttribute on safe attributes. Snippets
 * arrive HTML-escaped with <mark> around matches; they are split on the
 * two mark tags, entity-decoded by a fixed table and rebuilt as nodes, so
 * nothing in the data can become markup. Links to SDO pages are made only
 * for http(s) URLs. */
(function () {
  'use strict';

  var PER_PAGE = 20;
  var MULTI = ['sdo', 'area', 'status', 'type', 'group'];
  var FACET_ORDER = [{ key: 'sdo' }, { key: 'area' }, { key: 'status' }, { key: 'year' }];
  var FACET_SHOWN = 8;
  /* Human names of the filter fields, the same in the panel and the chips. */
  var FIELD_LABELS = { sdo: 'Standards body', area: 'Technology area', status: 'Status',
                       type: 'Type', group: 'Group', year: 'Year' };
  var STATUS_LABELS = { published: 'Published', 'in-development': 'In development',
                        superseded: 'Superseded', withdrawn: 'Withdrawn', historic: 'Historic' };
  var MAX_DEPTH = 10000;        /* searchd serves results up to page * per_page <= this */
  /* Views other than search and detail, by their ?view= name. */
  var PAGE_VIEWS = ['areas', 'coverage', 'overlap', 'changes'];

  var $ = function (id) { return document.getElementById(id); };
  var areaLabels = {};          /* area id -> label, from /api/areas */
  var areasPromise = null;
  var inflight = null;          /* AbortController of the running search */
  var typing = false;           /* the current history entry is mid-typing */
  var expanded = {};            /* facet key -> show all values */
  var lastResults = [];

  /* ---- state <-> URL --------------------------------------------------- */

  function emptyState() {
    return { view: 'search', q: '', sdo: [], area: [], status: [], type: [], group: [],
             from: '', to: '', sort: 'relevance', page: 1, id: '', since: '' };
  }

  function readState() {
    var p = new URLSearchParams(window.location.search);
    var s = emptyState();
    s.q = p.get('q') || '';
    MULTI.forEach(function (k) { s[k] = p.getAll(k).filter(Boolean); });
    s.from = p.get('from') || '';
    s.to = p.get('to') || '';
    s.sort = p.get('sort') === 'date' ? 'date' : 'relevance';
    var page = parseInt(p.get('page') || '1', 10);
    s.page = page > 0 && page < 100000 ? page : 1;
    s.id = p.get('id') || '';
    s.since = p.get('since') || '';
    var view = p.get('view');
    s.view = s.id ? 'detail' : (PAGE_VIEWS.indexOf(view) >= 0 ? view : 'search');
    return s;
  }

  /* Query parameters of the search part of a state (for the API too). */
  function searchParams(s, withPaging) {
    var p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    MULTI.forEach(function (k) { s[k].forEach(function (v) { p.append(k, v); }); });
    if (s.from) p.set('from', s.from);
    if (s.to) p.set('to', s.to);
    if (s.sort === 'date') p.set('sort', 'date');
    if (withPaging && s.page > 1) p.set('page', String(s.page));
    return p;
  }

  function stateURL(s) {
    var p;
    if (s.view === 'detail') {
      p = searchParams(s, true);
      p.set('id', s.id);
    } else if (s.view === 'areas' || s.view === 'coverage') {
      p = new URLSearchParams();
      p.set('view', s.view);
    } else if (s.view === 'overlap') {
      p = new URLSearchParams();
      p.set('view', 'overlap');
      if (s.area.length) p.set('area', s.area[0]);
    } else if (s.view === 'changes') {
      p = new URLSearchParams();
      p.set('view', 'changes');
      s.area.forEach(function (v) { p.append('area', v); });
      s.sdo.forEach(function (v) { p.append('sdo', v); });
      if (s.since) p.set('since', s.since);
    } else {
      p = searchParams(s, true);
    }
    var qs = p.toString();
    return '/' + (qs ? '?' + qs : '');
  }

  function go(s, replace) {
    var url = stateURL(s);
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    render();
  }

  /* ---- DOM helpers ------------------------------------------------------ */

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'className') e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c == null) return;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* An in-page link: plain <a href> that navigates without a reload. */
  function navLink(href, text, className) {
    var a = el('a', { href: href, className: className || '' });
    if (text != null) a.textContent = text;
    a.addEventListener('click', function (ev) {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      typing = false;
      history.pushState(null, '', href);
      render();
      window.scrollTo(0, 0);
    });
    return a;
  }

  function safeURL(u) {
    try {
      var url = new URL(u, window.location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (e) { return null; }
  }

  function externalLink(u, text) {
    var href = safeURL(u);
    if (!href) return el('span', { text: text });
    return el('a', { href: href, rel: 'noopener noreferrer', target: '_blank', className: 'ext' }, [text]);
  }

  var ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&apos;': "'" };
  function decodeEntities(s) {
    return s.replace(/&(lt|gt|amp|quot|apos|#39|#x27);/g, function (m) { return ENTITIES[m]; });
  }

  /* Snippet text (escaped, with <mark>...</mark>) as a fragment of nodes. */
  function snippetNodes(snippet) {
    var frag = document.createDocumentFragment();
    var parts = String(snippet).split(/(<mark>|<\/mark>)/);
    var inMark = false;
    parts.forEach(function (part) {
      if (part === '<mark>') { inMark = true; return; }
      if (part === '</mark>') { inMark = false; return; }
      if (!part) return;
      var text = document.createTextNode(decodeEntities(part));
      if (inMark) frag.appendChild(el('mark', null, [text]));
      else frag.appendChild(text);
    });
    return frag;
  }

  function statusPill(status) {
    if (!status) return null;
    var cls = 'pill status status-' + String(status).replace(/[^a-z-]/g, '');
    return el('span', { className: cls, text: status.replace('-', ' ') });
  }

  function sdoPill(sdo) {
    if (!sdo) return null;
    var cls = 'pill sdo sdo-' + String(sdo).toLowerCase().replace(/[^a-z0-9]/g, '');
    return el('span', { className: cls, text: sdo });
  }

  function areaLabel(id) { return areaLabels[id] || id; }

  function statusLabel(v) {
    if (STATUS_LABELS[v]) return STATUS_LABELS[v];
    var t = String(v).replace(/[-_]/g, ' ');
    return t.charAt(0).toUpperCase() + t.slice(1);
  }

  /* A filter value as people read it (same in the facet panel and chips). */
  function valueLabel(key, v) {
    if (key === 'area') return areaLabel(v);
    if (key === 'status') return statusLabel(v);
    return v;
  }

  /* What went wrong, in words for people: the API's messages name API
   * paths and parameters, so they are only used for plain 400s. */
  function humanError(e) {
    if (!e) return '';
    if (e.status === 503) return 'The index is being prepared. Please try again in a minute.';
    if (e.status === 404) return 'The page asked for something that is not in the index.';
    if (e.status === 400) return 'The server could not run this request: ' + String(e.message || '').replace(/\s*\(try \/api\/[^)]*\)/, '') + '.';
    if (e.status >= 500) return 'The server had a problem answering (HTTP ' + e.status + '). Please try again.';
    return 'The server could not be reached. Check your connection and try again.';
  }

  function showError(err) {
    var e = $('error');
    if (!err) { e.hidden = true; e.textContent = ''; return; }
    e.textContent = typeof err === 'string' ? err : humanError(err);
    e.hidden = false;
  }

  function fetchJSON(url, signal) {
    return fetch(url, { signal: signal, headers: { Accept: 'application/json' } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var err = new Error((body && body.error && body.error.message) || ('HTTP ' + r.status));
          err.status = r.status;
          err.parameter = body && body.error && body.error.parameter;
          throw err;
        }
        return body;
      });
    });
  }

  function loadAreas() {
    if (!areasPromise) {
      areasPromise = fetchJSON('/api/areas').then(function (body) {
        (body.areas || []).forEach(function (a) { areaLabels[a.id] = a.label; });
        return body.areas || [];
      }).catch(function (e) { areasPromise = null; throw e; });
    }
    return areasPromise;
  }

  /* ---- views ------------------------------------------------------------ */

  /* "Skip to results" lands on the results list in the search view and on
   * the view's content elsewhere. */
  function skipTarget() {
    var v = readState().view;
    if (v === 'search') return $('results-title');
    if (v === 'detail') return $('detail');
    return $('main');
  }

  function showView(name) {
    var skip = $('skip');
    if (skip) {
      skip.textContent = name === 'search' ? 'Skip to results' : 'Skip to content';
      skip.setAttribute('href', name === 'search' ? '#results-title' : '#main');
    }
    ['search', 'detail', 'areas', 'coverage', 'overlap', 'changes'].forEach(function (v) {
      $('view-' + v).hidden = v !== name;
    });
    ['search', 'areas', 'coverage', 'overlap', 'changes'].forEach(function (v) {
      var tab = $('tab-' + v);
      if ((name === v) || (name === 'detail' && v === 'search')) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    });
  }

  function render() {
    var s = readState();
    showError(null);
    if (document.activeElement !== $('q')) $('q').value = s.q;
    showView(s.view);
    if (s.view === 'detail') return renderDetail(s);
    if (s.view === 'areas') return renderAreas();
    setFeedLink(s.view === 'changes' ? s : null);
    if (s.view === 'coverage') return renderCoverage();
    if (s.view === 'overlap') return renderOverlap(s);
    if (s.view === 'changes') return renderChanges(s);
    return renderSearch(s);
  }

  /* ---- search ----------------------------------------------------------- */

  function renderSearch(s) {
    $('sort').value = s.sort;
    /* searchd serves no page beyond MAX_DEPTH results; ask for the last
     * one it has, and drawResults tells the reader the page is past the end. */
    var params = searchParams(Object.assign({}, s, { page: Math.min(s.page, lastPage(Infinity)) }), true);
    params.set('per_page', String(PER_PAGE));
    var csv = searchParams(s, false).toString();
    $('csv').setAttribute('href', '/search.csv' + (csv ? '?' + csv : ''));
    document.title = (s.q ? s.q + ' — ' : '') + 'secstd';
    if (inflight) inflight.abort();
    inflight = new AbortController();
    var col = document.querySelector('.results-col');
    col.classList.add('loading');
    return Promise.all([
      fetchJSON('/api/search?' + params.toString(), inflight.signal),
      loadAreas().catch(function () { return []; })
    ]).then(function (res) {
      col.classList.remove('loading');
      drawResults(s, res[0]);
    }).catch(function (e) {
      if (e.name === 'AbortError') return;
      col.classList.remove('loading');
      drawSearchError(s, e);
    });
  }

  /* A search the server refused, told inside the results column. */
  function drawSearchError(s, e) {
    clear($('results'));
    clear($('pager'));
    $('summary').textContent = '';
    $('notice').hidden = true;
    drawChips(s);
    var list = $('results');
    var first = stateURL(Object.assign({}, s, { page: 1 }));
    var csv = searchParams(s, false).toString();
    var csvHref = '/search.csv' + (csv ? '?' + csv : '');
    var item;
    if (e.status === 400 && e.parameter === 'page') {
      item = el('li', { className: 'empty past-end' }, [
        el('p', { text: 'Page ' + s.page.toLocaleString('en') + ' is past the end: only the first ' +
          MAX_DEPTH.toLocaleString('en') + ' results can be paged through.' }),
        el('p', { className: 'muted' }, ['Narrow the search with words or filters, go back to ',
          navLink(first, 'the first page'), ', or ', el('a', { href: csvHref, download: '' }, ['download every result as CSV']), '.'])
      ]);
    } else if (e.status === 400) {
      item = el('li', { className: 'empty' }, [
        el('p', { text: 'This search could not be run.' }),
        el('p', { className: 'muted', text: String(e.message || '').replace(/\s*\(try \/api\/[^)]*\)/, '') + '.' }),
        el('p', null, [navLink('/', 'Start a new search')])
      ]);
    } else {
      item = el('li', { className: 'empty' }, [
        el('p', { text: humanError(e) }),
        el('p', null, [navLink(stateURL(s), 'Try again')])
      ]);
    }
    list.appendChild(item);
  }

  function drawResults(s, body) {
    var total = body.total || 0;
    var summary = $('summary');
    clear(summary);
    $('results-title').textContent = s.q ? 'Search results for “' + s.q + '”' : 'Standards matching the filters';
    var from = total ? (s.page - 1) * PER_PAGE + 1 : 0;
    var to = Math.min(total, s.page * PER_PAGE);
    var pages = lastPage(total);
    var pastEnd = s.page > pages && (total > 0 || s.page > lastPage(Infinity));
    if (body.total_exact === false) summary.appendChild(document.createTextNode('about '));
    summary.appendChild(el('strong', { text: total.toLocaleString('en') }));
    summary.appendChild(document.createTextNode(total === 1 ? ' standard' : ' standards'));
    if (s.q) {
      summary.appendChild(document.createTextNode(' for '));
      summary.appendChild(el('q', { text: s.q }));
    }
    if (total > PER_PAGE && !pastEnd) summary.appendChild(document.createTextNode(' · showing ' + from.toLocaleString('en') + '–' + to.toLocaleString('en')));
    /* Without words there is nothing to rank by: the server sorts by date. */
    var sortUsed = (body.query && body.query.sort) || s.sort;
    $('sort').value = sortUsed === 'date' ? 'date' : 'relevance';
    $('sort-relevance').disabled = !s.q;
    if (s.q) $('sort').removeAttribute('title');
    else $('sort').setAttribute('title', 'Without search words the results are by date, newest first');
    if (body.generation) $('generation').textContent = 'Index generation ' + body.generation + '.';

    var notice = $('notice');
    clear(notice);
    notice.hidden = true;
    if (body.did_you_mean) {
      var dym = Object.assign(readState(), { q: body.did_you_mean, page: 1 });
      notice.appendChild(document.createTextNode('Did you mean '));
      notice.appendChild(navLink(stateURL(dym), body.did_you_mean, 'dym'));
      notice.appendChild(document.createTextNode('?'));
      notice.hidden = false;
    } else if (body.query && body.query.fallback) {
      notice.textContent = 'The query could not be parsed as written; it was searched as plain words.';
      notice.hidden = false;
    } else if (body.query && body.query.relaxed) {
      notice.textContent = 'No standard matched every word; showing standards that match most of them.';
      notice.hidden = false;
    }
    /* Function words the server left out of the search ("the", "of"). */
    var ignored = (body.query && body.query.ignored) || [];
    if (ignored.length) {
      notice.appendChild(document.createTextNode((notice.hidden ? '' : ' ') + 'Common words ignored: ' +
        ignored.join(', ') + ' (inside a "quoted phrase" they count).'));
      notice.hidden = false;
    }
    $('searchhint').hidden = !!s.q;

    drawChips(s);
    drawFacets(s, body.facets || {}, body.facets_exact === false);

    var list = $('results');
    clear(list);
    lastResults = body.results || [];
    if (pastEnd) {
      lastResults = [];
      var last = Object.assign({}, s, { page: pages });
      var deep = Math.ceil(total / PER_PAGE) > pages;
      var csv = searchParams(s, false).toString();
      list.appendChild(el('li', { className: 'empty past-end' }, [
        el('p', { text: 'Page ' + s.page.toLocaleString('en') + ' is past the end: ' + (deep
          ? 'only the first ' + MAX_DEPTH.toLocaleString('en') + ' results can be paged through (' + pages + ' pages).'
          : 'this search has ' + pages.toLocaleString('en') + (pages === 1 ? ' page.' : ' pages.')) }),
        el('p', null, [navLink(stateURL(last), 'Go to the last page (' + pages.toLocaleString('en') + ')', 'last-page'),
          ' · ', navLink(stateURL(Object.assign({}, s, { page: 1 })), 'first page')]),
        deep ? el('p', { className: 'muted' }, ['To see them all, narrow the search or ',
          el('a', { href: '/search.csv' + (csv ? '?' + csv : ''), download: '' }, ['download every result as CSV']), '.']) : null
      ]));
    } else if (!lastResults.length) {
      list.appendChild(el('li', { className: 'empty' }, [
        el('p', { text: s.q ? 'No standards match this search.' : 'No standards match these filters.' }),
        el('p', { className: 'muted', text: 'Try fewer words, another spelling, or remove a filter.' })
      ]));
    }
    if (!pastEnd) lastResults.forEach(function (r, i) { list.appendChild(resultItem(s, r, i)); });
    drawPager(pastEnd ? Object.assign({}, s, { page: pages + 1 }) : s, total);
  }

  /* The last page that can be served for `total` results. */
  function lastPage(total) {
    return Math.max(1, Math.min(total === Infinity ? Infinity : Math.ceil(total / PER_PAGE), Math.floor(MAX_DEPTH / PER_PAGE)));
  }

  function resultItem(s, r, i) {
    var detail = Object.assign({}, s, { view: 'detail', id: r.id });
    var href = stateURL(detail);
    var li = el('li', { className: 'result', tabindex: '-1', 'data-index': String(i) });
    var head = el('div', { className: 'result-head' }, [
      navLink(href, r.id, 'rid'),
      sdoPill(r.sdo),
      r.type ? el('span', { className: 'rtype', text: r.type }) : null,
      statusPill(r.status),
      r.date ? el('time', { className: 'date', text: r.date }) : null,
      r.exact ? el('span', { className: 'pill exact', text: 'identifier match' }) : null
    ]);
    li.appendChild(head);
    li.appendChild(el('h2', { className: 'rtitle' }, [navLink(href, r.title || r.id)]));
    if (r.snippet) li.appendChild(el('p', { className: 'snippet' }, [snippetNodes(r.snippet)]));
    if (r.superseded_by && r.superseded_by.length) {
      var by = el('p', { className: 'superseded-by' }, ['Superseded by ']);
      r.superseded_by.forEach(function (id, k) {
        if (k) by.appendChild(document.createTextNode(', '));
        by.appendChild(standardLink(s, id));
      });
      li.appendChild(by);
    }
    var meta = el('div', { className: 'result-meta' });
    (r.areas || []).forEach(function (a) {
      var st = Object.assign({}, s, { area: s.area.indexOf(a) < 0 ? s.area.concat([a]) : s.area, page: 1 });
      meta.appendChild(navLink(stateURL(st), areaLabel(a), 'chip area-chip'));
    });
    if (r.group) meta.appendChild(el('span', { className: 'group', text: r.group }));
    if (meta.firstChild) li.appendChild(meta);
    return li;
  }

  function drawChips(s) {
    var chips = $('chips');
    clear(chips);
    var n = 0;
    MULTI.forEach(function (k) {
      s[k].forEach(function (v) {
        var st = Object.assign({}, s, { page: 1 });
        st[k] = s[k].filter(function (x) { return x !== v; });
        var label = valueLabel(k, v);
        var a = navLink(stateURL(st), null, 'chip removable');
        a.setAttribute('aria-label', 'Remove filter ' + FIELD_LABELS[k] + ': ' + label);
        a.appendChild(el('span', { className: 'chip-key', text: FIELD_LABELS[k] }));
        a.appendChild(document.createTextNode(' ' + label + ' '));
        a.appendChild(el('span', { className: 'x', 'aria-hidden': 'true', text: '×' }));
        chips.appendChild(a);
        n++;
      });
    });
    if (s.from || s.to) {
      var st = Object.assign({}, s, { from: '', to: '', page: 1 });
      var a = navLink(stateURL(st), null, 'chip removable');
      var years = s.from === s.to ? s.from : (s.from || '…') + '–' + (s.to || '…');
      a.setAttribute('aria-label', 'Remove filter ' + FIELD_LABELS.year + ': ' + years);
      a.appendChild(el('span', { className: 'chip-key', text: FIELD_LABELS.year }));
      a.appendChild(document.createTextNode(' ' + years + ' '));
      a.appendChild(el('span', { className: 'x', 'aria-hidden': 'true', text: '×' }));
      chips.appendChild(a);
      n++;
    }
    var badge = $('active-count');
    badge.hidden = n === 0;
    badge.textContent = String(n);
    badge.setAttribute('aria-label', n === 1 ? '1 active filter' : n + ' active filters');
  }

  function yearRange(s) {
    var a = /^\d{4}$/.test(s.from) ? +s.from : null;
    var b = /^\d{4}$/.test(s.to) ? +s.to : null;
    return { from: a, to: b };
  }

  /* approx: the counts are estimates (more matches than searchd counts
     exactly): each shown as "≈n". */
  function drawFacets(s, facets, approx) {
    var box = $('facet-groups');
    clear(box);
    FACET_ORDER.forEach(function (f) {
      var counts = facets[f.key] || {};
      var values = Object.keys(counts);
      var selected = f.key === 'year' ? [] : s[f.key];
      selected.forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
      if (f.key === 'year') values.sort(function (a, b) { return b.localeCompare(a); });
      else values.sort(function (a, b) { return (counts[b] || 0) - (counts[a] || 0) || a.localeCompare(b); });
      if (!values.length) return;
      var group = el('fieldset', { className: 'facet' });
      group.appendChild(el('legend', { text: FIELD_LABELS[f.key] }));
      var yr = yearRange(s);
      var shown = expanded[f.key] ? values.length : FACET_SHOWN;
      values.forEach(function (v, i) {
        var checked = f.key === 'year'
          ? (yr.from !== null || yr.to !== null) && (+v >= (yr.from || 0)) && (+v <= (yr.to || 9999))
          : selected.indexOf(v) >= 0;
        if (i >= shown && !checked) return;
        var id = 'f-' + f.key + '-' + i;
        var input = el('input', { type: 'checkbox', id: id });
        input.checked = checked;
        input.addEventListener('change', function () { toggleFacet(f.key, v, input.checked); });
        var count = { className: 'facet-count', text: (counts[v] || 0).toLocaleString('en') };
        if (approx && counts[v]) {
          count.text = '\u2248' + count.text;
          count.title = 'estimated from a sample of the matches';
        }
        var label = el('label', { 'for': id }, [
          el('span', { className: 'facet-label', text: valueLabel(f.key, v) }),
          el('span', count)
        ]);
        group.appendChild(el('div', { className: 'facet-row' + (counts[v] ? '' : ' zero') }, [input, label]));
      });
      if (values.length > FACET_SHOWN) {
        var more = el('button', { type: 'button', className: 'btn-link more',
          text: expanded[f.key] ? 'Show fewer' : 'Show all ' + values.length });
        more.addEventListener('click', function () { expanded[f.key] = !expanded[f.key]; drawFacets(readState(), facets, approx); });
        group.appendChild(more);
      }
      box.appendChild(group);
    });
  }

  function toggleFacet(key, value, on) {
    var s = readState();
    s.page = 1;
    if (key === 'year') {
      var yr = yearRange(s);
      var years = [];
      if (yr.from !== null && yr.to !== null) for (var y = yr.from; y <= yr.to && years.length < 200; y++) years.push(y);
      var v = +value;
      if (on) years.push(v); else years = years.filter(function (x) { return x !== v; });
      if (!on && years.length && (v === yr.from || v === yr.to)) { /* shrink the range from that end */ }
      else if (!on && years.length) { years = years.filter(function (x) { return x > v; }); }
      if (years.length) {
        s.from = String(Math.min.apply(null, years));
        s.to = String(Math.max.apply(null, years));
      } else { s.from = ''; s.to = ''; }
    } else if (on) {
      if (s[key].indexOf(value) < 0) s[key].push(value);
    } else {
      s[key] = s[key].filter(function (x) { return x !== value; });
    }
    typing = false;
    go(s);
  }

  function drawPager(s, total) {
    var pager = $('pager');
    clear(pager);
    var pages = lastPage(total);
    if (pages <= 1 || s.page > pages + 1) return;
    function pageLink(p, text, cls) {
      var st = Object.assign({}, s, { page: p });
      var a = navLink(stateURL(st), text, cls);
      if (p === s.page) a.setAttribute('aria-current', 'page');
      return a;
    }
    if (s.page > 1) pager.appendChild(pageLink(s.page - 1, '← Previous', 'page prev'));
    var lo = Math.max(1, s.page - 3), hi = Math.min(pages, s.page + 3);
    if (lo > 1) { pager.appendChild(pageLink(1, '1', 'page')); if (lo > 2) pager.appendChild(el('span', { className: 'gap', text: '…' })); }
    for (var p = lo; p <= hi; p++) pager.appendChild(pageLink(p, String(p), 'page'));
    if (hi < pages) { if (hi < pages - 1) pager.appendChild(el('span', { className: 'gap', text: '…' })); pager.appendChild(pageLink(pages, String(pages), 'page')); }
    if (s.page < pages) pager.appendChild(pageLink(s.page + 1, 'Next →', 'page next'));
  }

  /* ---- detail ----------------------------------------------------------- */

  function renderDetail(s) {
    var box = $('detail');
    clear(box);
    box.appendChild(el('p', { className: 'muted', text: 'Loading ' + s.id + '…' }));
    var back = $('back');
    var backState = Object.assign({}, s, { view: 'search', id: '' });
    back.setAttribute('href', stateURL(backState));
    var enc = encodeURIComponent(s.id);
    return Promise.all([
      fetchJSON('/api/standards/' + enc),
      fetchJSON('/api/standards/' + enc + '/similar?limit=10').catch(function () { return null; }),
      loadAreas().catch(function () { return []; })
    ]).then(function (res) {
      drawDetail(s, res[0], res[1]);
    }).catch(function (e) {
      clear(box);
      document.title = s.id + ' — secstd';
      box.appendChild(el('h1', { className: 'detail-id', text: s.id }));
      var search = stateURL(Object.assign(emptyState(), { q: s.id }));
      if (e.status === 404) {
        box.appendChild(el('p', { className: 'error-inline', text: 'There is no standard “' + s.id + '” in the index.' }));
        box.appendChild(el('p', null, ['It may be listed under another identifier: ',
          navLink(search, 'search for ' + s.id, 'search-for-id'), '.']));
      } else {
        box.appendChild(el('p', { className: 'error-inline', text: humanError(e) }));
        box.appendChild(el('p', null, [navLink(stateURL(s), 'Try again'), ' · ', navLink(search, 'search for ' + s.id, 'search-for-id')]));
      }
    });
  }

  function dlRow(dl, term, value) {
    if (value == null || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el('dt', { text: term }));
    var dd = el('dd');
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join(', ') : String(value);
    dl.appendChild(dd);
  }

  function drawDetail(s, rec, similar) {
    var box = $('detail');
    clear(box);
    document.title = rec.id + ' — secstd';
    var head = el('header', { className: 'detail-head' }, [
      el('div', { className: 'detail-badges' }, [sdoPill(rec.sdo), rec.type ? el('span', { className: 'rtype', text: rec.type }) : null, statusPill(rec.status)]),
      el('h1', { className: 'detail-id', text: rec.id }),
      el('p', { className: 'detail-title', text: rec.title || '' })
    ]);
    box.appendChild(head);
    var actions = el('p', { className: 'detail-actions' });
    var href = safeURL(rec.url || '');
    if (href) actions.appendChild(externalLink(href, 'Open at ' + (rec.sdo || 'the publisher') + ' ↗'));
    var json = el('a', { href: '/api/standards/' + encodeURIComponent(rec.id), className: 'btn-link' }, ['JSON']);
    actions.appendChild(json);
    box.appendChild(actions);

    var grid = el('div', { className: 'detail-grid' });
    var main = el('div', { className: 'detail-main' });
    if (rec.abstract) {
      main.appendChild(el('h2', { text: 'Abstract' }));
      String(rec.abstract).split(/\n{1,}/).forEach(function (para) {
        if (para.trim()) main.appendChild(el('p', { className: 'abstract', text: para }));
      });
    }
    main.appendChild(relationsSection(s, rec));
    main.appendChild(similarSection(s, rec, similar));
    grid.appendChild(main);

    var side = el('aside', { className: 'detail-side' });
    var dl = el('dl', { className: 'facts' });
    dlRow(dl, 'Body', rec.sdo);
    dlRow(dl, 'Type', rec.type);
    dlRow(dl, 'Status', rec.status);
    dlRow(dl, 'Date', rec.date);
    dlRow(dl, 'Edition', rec.edition);
    dlRow(dl, 'Group', rec.group);
    dlRow(dl, 'Also known as', rec.aliases);
    if (rec.areas && rec.areas.length) {
      var areas = el('span', { className: 'chip-list' });
      rec.areas.forEach(function (a) {
        areas.appendChild(navLink(stateURL(Object.assign(emptyState(), { area: [a] })), areaLabel(a), 'chip area-chip'));
      });
      dlRow(dl, 'Areas', areas);
    }
    dlRow(dl, 'Keywords', rec.keywords);
    side.appendChild(dl);
    if (rec.editions && rec.editions.length) {
      side.appendChild(el('h3', { text: 'Editions and parts' }));
      side.appendChild(el('p', { className: 'muted small', text: 'Newest first.' }));
      var ul = el('ul', { className: 'editions' });
      /* Newest first by date; undated ones last, in the order given. */
      var eds = rec.editions.map(function (e, i) { return [e, i]; }).sort(function (x, y) {
        var a = x[0].date ? String(x[0].date) : '', b = y[0].date ? String(y[0].date) : '';
        if (a !== b) { if (!a) return 1; if (!b) return -1; return a < b ? 1 : -1; }
        return x[1] - y[1];
      }).map(function (p) { return p[0]; });
      eds.slice(0, 50).forEach(function (e) {
        ul.appendChild(el('li', null, [e.id || '', e.date ? el('time', { className: 'muted', text: ' · ' + e.date }) : null]));
      });
      side.appendChild(ul);
      if (eds.length > 50) side.appendChild(el('p', { className: 'muted small', text: 'and ' + (eds.length - 50) + ' older ones (see the JSON).' }));
    }
    grid.appendChild(side);
    box.appendChild(grid);
    $('main').focus({ preventScroll: true });
  }

  function standardLink(s, id, text) {
    return navLink(stateURL(Object.assign({}, s, { view: 'detail', id: id })), text || id, 'rid');
  }

  function relationsSection(s, rec) {
    var sec = el('section', { className: 'relations' });
    sec.appendChild(el('h2', { text: 'Relations' }));
    var rel = rec.relations_resolved || [];
    if (!rel.length) {
      sec.appendChild(el('p', { className: 'muted', text: 'No stated relations to other standards.' }));
      return sec;
    }
    var groups = {};
    var order = [];
    rel.forEach(function (r) {
      var label = r.label || r.kind;
      if (!groups[label]) { groups[label] = []; order.push(label); }
      groups[label].push(r);
    });
    var table = el('table', { className: 'rel-table' });
    order.forEach(function (label) {
      var td = el('td');
      var ul = el('ul');
      groups[label].forEach(function (r) {
        var li = el('li');
        if (r.found) li.appendChild(standardLink(s, r.id));
        else li.appendChild(el('span', { className: 'rid missing', text: r.id, title: 'not in the index' }));
        if (r.sdo) li.appendChild(sdoPill(r.sdo));
        if (r.title) li.appendChild(el('span', { className: 'rel-title', text: r.title }));
        if (r.stated_here === false) li.appendChild(el('span', { className: 'muted small', text: ' (stated by the other standard)' }));
        ul.appendChild(li);
      });
      td.appendChild(ul);
      table.appendChild(el('tr', null, [el('th', { scope: 'row', text: label }), td]));
    });
    sec.appendChild(table);
    return sec;
  }

  function similarSection(s, rec, similar) {
    var sec = el('section', { className: 'similar' });
    sec.appendChild(el('h2', { text: 'Similar standards' }));
    var list = similar && (similar.results || similar.similar) || [];
    if (!list.length) {
      sec.appendChild(el('p', { className: 'muted', text: 'No similar standards found.' }));
      return sec;
    }
    var ol = el('ol', { className: 'similar-list' });
    list.forEach(function (r) {
      var why;
      if (r.why === 'stated' && r.relation) why = 'stated relation: ' + String(r.relation).replace(/_/g, ' ');
      else if (r.shared_terms && r.shared_terms.length) why = 'shares: ' + r.shared_terms.slice(0, 6).join(', ');
      ol.appendChild(el('li', null, [
        el('div', { className: 'result-head' }, [standardLink(s, r.id), sdoPill(r.sdo), statusPill(r.status)]),
        el('div', { className: 'sim-title', text: r.title || '' }),
        why ? el('div', { className: 'why', text: why }) : null
      ]));
    });
    sec.appendChild(ol);
    return sec;
  }

  /* ---- areas and coverage ------------------------------------------------ */

  var coveragePromise = null;   /* /api/coverage, shared by coverage, overlap and changes */
  function loadCoverage() {
    if (!coveragePromise) {
      coveragePromise = fetchJSON('/api/coverage').catch(function (e) { coveragePromise = null; throw e; });
    }
    return coveragePromise;
  }

  function overlapURL(area) { return stateURL(Object.assign(emptyState(), { view: 'overlap', area: [area] })); }
  function areaSearchURL(area, sdo) {
    return stateURL(Object.assign(emptyState(), { area: [area], sdo: sdo ? [sdo] : [] }));
  }

  function renderAreas() {
    document.title = 'Technology areas — secstd';
    var grid = $('areas');
    return loadAreas().then(function (areas) {
      clear(grid);
      areas.forEach(function (a) {
        var card = el('article', { className: 'area-card' + (a.count ? '' : ' empty-area') });
        var h = el('h2', null, [navLink(areaSearchURL(a.id), a.label)]);
        card.appendChild(el('div', { className: 'area-top' }, [h, el('span', { className: 'area-count', text: String(a.count || 0) })]));
        if (a.scope) card.appendChild(el('p', { className: 'scope', text: a.scope }));
        var by = a.by_sdo || {};
        var sdos = Object.keys(by).sort(function (x, y) { return by[y] - by[x]; });
        if (sdos.length) {
          var row = el('div', { className: 'chip-list' });
          sdos.forEach(function (sdo) {
            var link = navLink(areaSearchURL(a.id, sdo), null, 'chip sdo-chip');
            link.appendChild(document.createTextNode(sdo + ' '));
            link.appendChild(el('span', { className: 'n', text: String(by[sdo]) }));
            row.appendChild(link);
          });
          card.appendChild(row);
        }
        if (sdos.length > 1) {
          var ov = navLink(overlapURL(a.id), 'Overlap across bodies →', 'overlap-link');
          ov.setAttribute('aria-label', 'Overlap across standards bodies in ' + a.label);
          card.appendChild(el('p', { className: 'card-foot' }, [ov]));
        }
        grid.appendChild(card);
      });
    }).catch(function (e) { showError(e); });
  }

  function yearKeys(years) {
    return Object.keys(years || {}).filter(function (y) { return /^\d{4}$/.test(y); }).map(Number);
  }

  /* Years of an area's {YYYY: n} as a dense, sorted list of [year, n]
   * from first..last (at most the last `span` years; `last` fixed when
   * given, so that rows of a table line up). */
  function yearSeries(years, span, fixedLast) {
    var ys = yearKeys(years);
    if (!ys.length) return [];
    var last = fixedLast || Math.max.apply(null, ys);
    var first = fixedLast ? last - span + 1 : Math.max(Math.min.apply(null, ys), last - span + 1);
    var out = [];
    for (var y = first; y <= last; y++) out.push([y, years[String(y)] || 0]);
    return out;
  }

  /* A row of bars (one per year) as plain elements; heights by CSSOM. */
  function sparkline(series, label, big) {
    var box = el('span', { className: big ? 'trend trend-big' : 'trend', role: 'img' });
    if (!series.length) { box.classList.add('trend-empty'); box.setAttribute('aria-label', 'no dated standards'); return box; }
    var max = 1, total = 0;
    series.forEach(function (p) { if (p[1] > max) max = p[1]; total += p[1]; });
    box.setAttribute('aria-label', label + ': ' + total + ' dated standards, ' + series[0][0] + '–' + series[series.length - 1][0]);
    series.forEach(function (p) {
      var bar = el('span', { className: 'bar' + (p[1] ? '' : ' bar-zero'), title: p[0] + ': ' + p[1] });
      bar.style.height = (p[1] ? Math.max(8, Math.round(100 * p[1] / max)) : 4) + '%';
      box.appendChild(bar);
    });
    return box;
  }

  function renderCoverage() {
    document.title = 'Coverage — secstd';
    var table = $('coverage');
    return Promise.all([loadCoverage(), loadAreas().catch(function () { return []; })]).then(function (res) {
      var cov = res[0];
      clear(table);
      var sdos = cov.sdos || [];
      var max = 1, gaps = 0, cells = 0, lastYear = 0;
      (cov.areas || []).forEach(function (a) {
        yearKeys(a.years).forEach(function (y) { if (y > lastYear && y <= new Date().getUTCFullYear() + 1) lastYear = y; });
        sdos.forEach(function (sdo) {
          var c = a.cells && a.cells[sdo];
          cells++;
          if (c && c.total > max) max = c.total;
          if (!c || !c.total) gaps++;
        });
      });
      $('coverage-stats').textContent = (cov.areas || []).length + ' areas × ' + sdos.length + ' bodies · ' +
        gaps + ' of ' + cells + ' cells empty';
      var thead = el('thead');
      var hr = el('tr', null, [el('th', { scope: 'col', className: 'corner', text: 'Technology area' })]);
      sdos.forEach(function (sdo) { hr.appendChild(el('th', { scope: 'col', className: 'sdo-col', text: sdo })); });
      hr.appendChild(el('th', { scope: 'col', text: 'Total' }));
      hr.appendChild(el('th', { scope: 'col', className: 'trend-col', text: lastYear ? 'Per year, ' + (lastYear - 19) + '–' + lastYear : 'Per year' }));
      thead.appendChild(hr);
      table.appendChild(thead);
      var tbody = el('tbody');
      (cov.areas || []).forEach(function (a) {
        var tr = el('tr');
        var present = sdos.filter(function (sdo) { return a.cells && a.cells[sdo] && a.cells[sdo].total; }).length;
        var inner = el('div', { className: 'row-head' }, [navLink(areaSearchURL(a.id), a.label, 'area-name')]);
        if (present > 1) {
          var ov = navLink(overlapURL(a.id), 'overlap', 'row-overlap');
          ov.setAttribute('title', 'Cross-body overlap clusters in ' + a.label);
          inner.appendChild(ov);
        }
        var th = el('th', { scope: 'row' }, [inner]);
        tr.appendChild(th);
        sdos.forEach(function (sdo) {
          var c = a.cells && a.cells[sdo];
          var n = c ? c.total : 0;
          var td = el('td', { className: n ? 'cell' : 'cell gap-cell' });
          if (n) {
            var level = Math.min(5, Math.ceil(5 * Math.sqrt(n / max)));
            td.classList.add('heat-' + level);
            var link = navLink(areaSearchURL(a.id, sdo), String(n));
            link.setAttribute('title', sdo + ' · ' + a.label + ': ' + n + ' (' + (c.published || 0) + ' published, ' +
              (c.in_development || 0) + ' in development) — click to list them');
            td.appendChild(link);
            if (c.in_development) td.appendChild(el('span', { className: 'dev', text: '+' + c.in_development + ' dev', 'aria-hidden': 'true' }));
          } else {
            td.appendChild(el('span', { className: 'visually-hidden', text: 'gap' }));
            td.setAttribute('title', 'Gap: no ' + sdo + ' standards in ' + a.label);
          }
          tr.appendChild(td);
        });
        tr.appendChild(el('td', { className: 'total', text: String(a.total || 0) }));
        var tdTrend = el('td', { className: 'trend-cell' });
        tdTrend.appendChild(sparkline(lastYear ? yearSeries(a.years, 20, lastYear) : [], a.label, false));
        tr.appendChild(tdTrend);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      if (cov.generation) $('generation').textContent = 'Index generation ' + cov.generation + '.';
    }).catch(function (e) { showError(e); });
  }

  /* ---- overlap clusters --------------------------------------------------- */

  var RELATION_LABELS = {
    identical_to: 'identical text', transposes: 'transposes', transposed_by: 'transposed by',
    adopts: 'adopts', adopted_by: 'adopted by', supersedes: 'supersedes', superseded_by: 'superseded by',
    updates: 'updates', updated_by: 'updated by', related: 'related', similar: 'similar text'
  };
  function relationLabel(kind) { return RELATION_LABELS[kind] || String(kind || '').replace(/_/g, ' '); }

  function fieldPair(id, label, control) {
    return el('span', { className: 'fpair' }, [el('label', { 'for': id, text: label }), control]);
  }

  function areaSelect(id, areas, selected, withAll) {
    var sel = el('select', { id: id });
    if (withAll) sel.appendChild(el('option', { value: '', text: withAll }));
    areas.forEach(function (a) {
      var o = el('option', { value: a.id, text: a.label + (a.count != null ? ' (' + a.count + ')' : '') });
      if (a.id === selected) o.selected = true;
      sel.appendChild(o);
    });
    return sel;
  }

  function renderOverlap(s) {
    var area = s.area[0] || '';
    var box = $('overlap');
    var picker = $('overlap-picker');
    clear(picker);
    $('overlap-actions').hidden = !area;
    return loadAreas().then(function (areas) {
      var sel = areaSelect('ov-area', areas, area, area ? null : 'Choose a technology area…');
      sel.addEventListener('change', function () {
        if (sel.value) { typing = false; go(Object.assign(emptyState(), { view: 'overlap', area: [sel.value] })); }
      });
      picker.appendChild(fieldPair('ov-area', 'Area', sel));
      if (!area) {
        document.title = 'Overlap — secstd';
        $('overlap-title').textContent = 'Overlap across standards bodies';
        clear(box);
        $('overlap-summary').textContent = '';
        var list = el('ul', { className: 'overlap-areas' });
        areas.filter(function (a) { return Object.keys(a.by_sdo || {}).length > 1; }).forEach(function (a) {
          list.appendChild(el('li', null, [navLink(overlapURL(a.id), a.label),
            el('span', { className: 'muted small', text: ' ' + a.count + ' standards · ' + Object.keys(a.by_sdo).length + ' bodies' })]));
        });
        box.appendChild(el('p', { className: 'muted', text: 'Pick an area to see where standards bodies cover the same subject.' }));
        box.appendChild(list);
        return null;
      }
      var label = areaLabel(area);
      document.title = 'Overlap: ' + label + ' — secstd';
      $('overlap-title').textContent = 'Overlap: ' + label;
      $('overlap-csv').setAttribute('href', '/overlap.csv?area=' + encodeURIComponent(area));
      $('overlap-json').setAttribute('href', '/api/overlap?area=' + encodeURIComponent(area));
      var srch = $('overlap-search');
      srch.setAttribute('href', areaSearchURL(area));
      clear(box);
      box.appendChild(el('p', { className: 'muted loading-line', text: 'Finding clusters in ' + label + '…' }));
      $('overlap-summary').textContent = '';
      return Promise.all([
        fetchJSON('/api/overlap?area=' + encodeURIComponent(area) + '&limit=200'),
        loadCoverage().catch(function () { return null; })
      ]).then(function (res) {
        if (readState().view !== 'overlap' || (readState().area[0] || '') !== area) return;
        drawOverlap(s, res[0], res[1]);
      });
    }).catch(function (e) { clear(box); showError(e); });
  }

  function drawOverlap(s, ov, cov) {
    var box = $('overlap');
    clear(box);
    var clusters = ov.clusters || [];
    var stated = clusters.filter(function (c) { return c.stated; }).length;
    var sum = $('overlap-summary');
    clear(sum);
    var stat = function (n, text) { return el('span', { className: 'stat' }, [el('strong', { text: String(n) }), ' ' + text]); };
    sum.appendChild(stat(ov.standards || 0, 'standards in the area'));
    sum.appendChild(stat(ov.clusters_total != null ? ov.clusters_total : clusters.length, (ov.clusters_total === 1 ? 'cluster' : 'clusters') + ' across bodies'));
    sum.appendChild(stat(stated, 'with stated links (common texts, transpositions, adoptions)'));
    var covArea = cov && (cov.areas || []).filter(function (a) { return a.id === ov.area; })[0];
    if (covArea) {
      var series = yearSeries(covArea.years, 30);
      if (series.length) {
        var fig = el('figure', { className: 'area-trend' });
        fig.appendChild(sparkline(series, covArea.label, true));
        fig.appendChild(el('figcaption', { className: 'muted small', text: 'Standards per year, ' + series[0][0] + '–' + series[series.length - 1][0] }));
        sum.appendChild(fig);
      }
    }
    if (!clusters.length) {
      box.appendChild(el('div', { className: 'empty' }, [
        el('p', { text: 'No overlap found: no two bodies cover the same subject in this area.' }),
        el('p', { className: 'muted', text: 'Clusters need a stated link (common text, transposition, adoption) or a strong mutual text similarity between standards of different bodies.' })
      ]));
      return;
    }
    clusters.forEach(function (c, i) { box.appendChild(clusterCard(s, c, i)); });
    if (ov.clusters_total > clusters.length) {
      box.appendChild(el('p', { className: 'muted', text: 'Showing ' + clusters.length + ' of ' + ov.clusters_total + ' clusters; the CSV export has them all.' }));
    }
  }

  function relationCell(m) {
    var td = el('td', { className: 'rel' });
    if (!m.relation) return td;
    if (m.relation === 'similar') {
      var sc = typeof m.score === 'number' ? m.score : 0;
      var meter = el('span', { className: 'meter', title: 'similarity ' + sc.toFixed(2) + ' (1 = same wording)' });
      var fill = el('span', { className: 'meter-fill' });
      fill.style.width = Math.round(Math.max(0, Math.min(1, sc)) * 100) + '%';
      meter.appendChild(fill);
      td.appendChild(meter);
      td.appendChild(el('span', { className: 'score', text: sc.toFixed(2) }));
    } else {
      td.appendChild(el('span', { className: 'pill rel-pill rel-' + String(m.relation).replace(/[^a-z_]/g, ''), text: relationLabel(m.relation) }));
    }
    return td;
  }

  /* "↔ ITU-T X.509" / "≈ RFC 4325 0.56": the member's links inside the cluster. */
  function linksLine(m) {
    var seen = {};
    var links = (m.links || []).filter(function (l) {
      var k = l.kind + '\u0000' + l.id;
      if (seen[k]) return false;
      seen[k] = true;
      return true;
    }).slice(0, 3);
    if (!links.length) return null;
    var line = el('div', { className: 'links-line' });
    links.forEach(function (l, i) {
      if (i) line.appendChild(document.createTextNode(' · '));
      var stated = l.kind !== 'similar';
      line.appendChild(el('span', { className: stated ? 'link-stated' : 'link-similar',
        text: (stated ? relationLabel(l.kind) + ' ' : 'like ') + l.id + (stated ? '' : ' (' + Number(l.score || 0).toFixed(2) + ')') }));
    });
    return line;
  }

  function clusterCard(s, c, i) {
    var card = el('article', { className: 'cluster' + (c.stated ? ' cluster-stated' : '') });
    var bodies = el('span', { className: 'cluster-bodies' });
    (c.sdos || []).forEach(function (sdo) { bodies.appendChild(sdoPill(sdo)); });
    var kind = c.stated
      ? el('span', { className: 'pill kind-stated', text: 'stated links', title: 'contains common texts, transpositions or adoptions stated by the bodies' })
      : el('span', { className: 'pill kind-similar', text: 'similar texts', title: 'grouped by text similarity only: check for duplicated work' });
    /* Stated partners together first, then by similarity. */
    var members = (c.members || []).map(function (m, k) { return [m, k]; }).sort(function (x, y) {
      var sx = x[0].relation && x[0].relation !== 'similar', sy = y[0].relation && y[0].relation !== 'similar';
      if (sx !== sy) return sx ? -1 : 1;
      if (!sx) return (y[0].score || 0) - (x[0].score || 0) || x[1] - y[1];
      return x[1] - y[1];
    }).map(function (p) { return p[0]; });
    card.appendChild(el('header', { className: 'cluster-head' }, [
      el('span', { className: 'cluster-n', text: String(i + 1) }),
      el('h2', { className: 'cluster-label', title: 'the terms these standards share most', text: (c.terms && c.terms.length ? c.terms.slice(0, 6) : String(c.label || '').split(/\s+/)).join(' · ') }),
      kind,
      el('span', { className: 'muted small', text: members.length + ' standards · ' + (c.sdos || []).length + ' bodies' }),
      bodies
    ]));
    var wrap = el('div', { className: 'table-wrap' });
    var table = el('table', { className: 'members' });
    table.appendChild(el('thead', null, [el('tr', null, [
      el('th', { scope: 'col', text: 'Body' }), el('th', { scope: 'col', text: 'Identifier' }),
      el('th', { scope: 'col', text: 'Title' }), el('th', { scope: 'col', text: 'Status' }),
      el('th', { scope: 'col', text: 'Date' }), el('th', { scope: 'col', text: 'Relation / similarity' })])]));
    var tb = el('tbody');
    members.forEach(function (m) {
      var idCell = el('td', { className: 'mid' });
      if (m.found !== false) idCell.appendChild(standardLink(s, m.id));
      else idCell.appendChild(el('span', { className: 'rid missing', text: m.id, title: 'known from a stated relation; not a separate record in the index' }));
      var titleCell = el('td', { className: 'mtitle' }, [el('span', { text: m.title || '' })]);
      if (m.in_area === false) titleCell.appendChild(el('span', { className: 'tag-outside', text: 'other area', title: 'a stated partner classified outside this area' }));
      var ll = linksLine(m);
      if (ll) titleCell.appendChild(ll);
      tb.appendChild(el('tr', { className: m.status === 'withdrawn' || m.status === 'superseded' ? 'inactive' : '' }, [
        el('td', { className: 'msdo' }, [sdoPill(m.sdo)]), idCell, titleCell,
        el('td', null, [statusPill(m.status)]),
        el('td', { className: 'mdate', text: m.date ? String(m.date).slice(0, 10) : '' }),
        relationCell(m)
      ]));
    });
    table.appendChild(tb);
    wrap.appendChild(table);
    card.appendChild(wrap);
    return card;
  }

  /* ---- what's new --------------------------------------------------------- */

  var CHANGE_SHOWN = 25;

  function feedURL(s) {
    var p = new URLSearchParams();
    (s ? s.area : []).forEach(function (v) { p.append('area', v); });
    (s ? s.sdo : []).forEach(function (v) { p.append('sdo', v); });
    var qs = p.toString();
    return '/feeds/changes.atom' + (qs ? '?' + qs : '');
  }

  /* The page's <link rel=alternate> follows the What's new filter. */
  function setFeedLink(s) {
    var link = $('feed-alt');
    if (!link) return;
    link.setAttribute('href', feedURL(s));
    var what = s ? s.area.map(areaLabel).concat(s.sdo).join(', ') : '';
    link.setAttribute('title', 'secstd: what\u2019s new' + (what ? ' (' + what + ')' : ''));
  }

  function isoDay(daysAgo) {
    var d = new Date(Date.now() - daysAgo * 86400000);
    return d.toISOString().slice(0, 10);
  }

  function formatInstant(iso) {
    if (!iso) return 'date unknown';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }) +
      ', ' + d.toISOString().slice(11, 16) + ' UTC';
  }

  function renderChanges(s) {
    document.title = 'What\u2019s new — secstd';
    var box = $('changes');
    $('feed').setAttribute('href', feedURL(s));
    var api = new URLSearchParams();
    s.area.forEach(function (v) { api.append('area', v); });
    s.sdo.forEach(function (v) { api.append('sdo', v); });
    if (s.since) api.set('since', s.since);
    $('changes-json').setAttribute('href', '/api/changes' + (api.toString() ? '?' + api.toString() : ''));
    box.classList.add('loading');
    return Promise.all([
      fetchJSON('/api/changes' + (api.toString() ? '?' + api.toString() : '')),
      loadAreas().catch(function () { return []; }),
      loadCoverage().catch(function () { return { sdos: [] }; })
    ]).then(function (res) {
      box.classList.remove('loading');
      drawChangeFilters(s, res[1], res[2].sdos || []);
      drawChanges(s, res[0]);
    }).catch(function (e) {
      box.classList.remove('loading');
      clear(box);
      showError(e);
    });
  }

  function drawChangeFilters(s, areas, sdos) {
    var bar = $('changes-filter');
    clear(bar);
    function update(patch) {
      typing = false;
      go(Object.assign(emptyState(), { view: 'changes', area: s.area, sdo: s.sdo, since: s.since }, patch));
    }
    var asel = areaSelect('ch-area', areas, s.area[0] || '', 'All areas');
    asel.addEventListener('change', function () { update({ area: asel.value ? [asel.value] : [] }); });
    var ssel = el('select', { id: 'ch-sdo' });
    ssel.appendChild(el('option', { value: '', text: 'All bodies' }));
    sdos.forEach(function (sdo) {
      var o = el('option', { value: sdo, text: sdo });
      if (s.sdo[0] === sdo) o.selected = true;
      ssel.appendChild(o);
    });
    ssel.addEventListener('change', function () { update({ sdo: ssel.value ? [ssel.value] : [] }); });
    var since = el('select', { id: 'ch-since' });
    var opts = [['', 'Latest refreshes'], [isoDay(7), 'Last 7 days'], [isoDay(30), 'Last 30 days'], [isoDay(90), 'Last 90 days'], [isoDay(365), 'Last year']];
    if (s.since && !opts.some(function (o) { return o[0] === s.since; })) opts.push([s.since, 'Since ' + s.since]);
    opts.forEach(function (o) {
      var opt = el('option', { value: o[0], text: o[1] });
      if (o[0] === s.since) opt.selected = true;
      since.appendChild(opt);
    });
    since.addEventListener('change', function () { update({ since: since.value }); });
    bar.appendChild(fieldPair('ch-area', 'Area', asel));
    bar.appendChild(fieldPair('ch-sdo', 'Body', ssel));
    bar.appendChild(fieldPair('ch-since', 'Period', since));
    if (s.area.length || s.sdo.length || s.since) {
      bar.appendChild(navLink(stateURL(Object.assign(emptyState(), { view: 'changes' })), 'Clear', 'btn-link'));
    }
  }

  /* One changed standard as a row; extra: a node for the right column. */
  function changeRow(s, e, kind, extra) {
    var li = el('li', { className: 'chg-row chg-' + kind });
    var idNode = kind === 'removed'
      ? el('span', { className: 'rid removed-id', text: e.id, title: 'no longer in the index' })
      : standardLink(s, e.id);
    var head = el('div', { className: 'chg-id' }, [idNode, sdoPill(e.sdo)]);
    var body = el('div', { className: 'chg-body' }, [el('div', { className: 'chg-title', text: e.title || '' })]);
    var meta = el('div', { className: 'chg-meta' });
    (e.areas || []).slice(0, 4).forEach(function (a) {
      meta.appendChild(navLink(stateURL(Object.assign(emptyState(), { view: 'changes', area: [a], sdo: s.sdo, since: s.since })), areaLabel(a), 'chip area-chip'));
    });
    if (kind === 'removed') {
      var href = safeURL(e.url || '');
      if (href) meta.appendChild(externalLink(href, 'publisher page ↗'));
    }
    if (meta.firstChild) body.appendChild(meta);
    var side = el('div', { className: 'chg-side' }, [extra || statusPill(e.status), e.date ? el('time', { className: 'date', text: String(e.date).slice(0, 10) }) : null]);
    li.appendChild(head);
    li.appendChild(body);
    li.appendChild(side);
    return li;
  }

  function changeSection(s, title, kind, entries, extraOf) {
    if (!entries.length) return null;
    var sec = el('section', { className: 'chg-section' });
    sec.appendChild(el('h3', null, [el('span', { className: 'chg-dot dot-' + kind, 'aria-hidden': 'true' }), title + ' ', el('span', { className: 'n', text: String(entries.length) })]));
    var ul = el('ul', { className: 'chg-list' });
    function fill(n) {
      clear(ul);
      entries.slice(0, n).forEach(function (e) { ul.appendChild(changeRow(s, e, kind, extraOf ? extraOf(e) : null)); });
    }
    fill(CHANGE_SHOWN);
    sec.appendChild(ul);
    if (entries.length > CHANGE_SHOWN) {
      var more = el('button', { type: 'button', className: 'btn-link more', text: 'Show all ' + entries.length });
      more.addEventListener('click', function () { fill(entries.length); more.remove(); });
      sec.appendChild(more);
    }
    return sec;
  }

  function statusMove(e) {
    return el('span', { className: 'status-move' }, [statusPill(e.from || 'unknown'), el('span', { className: 'arrow', 'aria-label': 'to', text: '→' }), statusPill(e.to || e.status)]);
  }

  function fieldList(e) {
    var f = (e.fields || []).map(function (x) { return String(x).replace(/_/g, ' '); });
    return el('span', { className: 'fields', title: 'changed fields' }, f.length ? f.map(function (x) { return el('span', { className: 'field', text: x }); }) : [el('span', { className: 'field', text: 'record' })]);
  }

  function drawChanges(s, body) {
    var box = $('changes');
    clear(box);
    var gens = body.generations || [];
    var filtered = s.area.length || s.sdo.length;
    if (body.current_generation) $('generation').textContent = 'Index generation ' + body.current_generation + '.';
    if (!gens.length) {
      box.appendChild(el('div', { className: 'empty' }, [
        el('p', { text: s.since ? 'No refresh published anything since ' + s.since + '.' : 'No change reports yet.' }),
        el('p', { className: 'muted', text: 'Each refresh that publishes a new index generation reports what it added, changed and removed.' })
      ]));
      return;
    }
    var quiet = 0;
    gens.forEach(function (g, gi) {
      var statusIds = {};
      (g.status_changed || []).forEach(function (e) { statusIds[e.id] = true; });
      /* A status move is listed once, under "status changed"; other field
       * changes of the same standard stay under "changed". */
      var changed = (g.changed || []).map(function (e) {
        if (!statusIds[e.id]) return e;
        var rest = (e.fields || []).filter(function (f) { return f !== 'status'; });
        return rest.length ? Object.assign({}, e, { fields: rest }) : null;
      }).filter(Boolean);
      var added = g.added || [], moved = g.status_changed || [], removed = g.removed || [];
      var n = added.length + changed.length + moved.length + removed.length;
      var card = el('article', { className: 'gen-card' + (n ? '' : ' gen-quiet') });
      var totals = el('div', { className: 'gen-totals' });
      [['added', added.length, 'added'], ['changed', changed.length, 'changed'], ['status', moved.length, 'status changes'], ['removed', removed.length, 'removed']].forEach(function (t) {
        totals.appendChild(el('span', { className: 'tot tot-' + t[0] + (t[1] ? '' : ' tot-zero') }, [el('strong', { text: String(t[1]) }), ' ' + t[2]]));
      });
      card.appendChild(el('header', { className: 'gen-head' }, [
        el('div', null, [
          el('h2', { text: (gi === 0 && g.generation === body.current_generation ? 'Latest refresh · ' : 'Refresh · ') + formatInstant(g.built_at) }),
          el('p', { className: 'muted small', text: 'Generation ' + g.generation + (g.previous_generation ? ' (after ' + g.previous_generation + ')' : ' (first build)') })
        ]),
        totals
      ]));
      if (!n) {
        var why;
        if (!g.previous_generation) why = 'First build of the index: every standard was new, so nothing is listed as a change.';
        else if (filtered) why = 'Nothing in this refresh matches the filter.';
        else why = 'This refresh published a new generation without changes to any standard.';
        card.appendChild(el('p', { className: 'muted gen-empty', text: why }));
        quiet++;
      }
      [changeSection(s, 'Added', 'added', added),
       changeSection(s, 'Status changed', 'status', moved, statusMove),
       changeSection(s, 'Changed', 'changed', changed, fieldList),
       changeSection(s, 'Removed', 'removed', removed)].forEach(function (sec) { if (sec) card.appendChild(sec); });
      box.appendChild(card);
    });
    if (body.truncated) box.appendChild(el('p', { className: 'muted', text: 'Older refreshes are not shown; pick a shorter period or use the JSON API with limit.' }));
  }


  /* ---- input and keyboard ------------------------------------------------ */

  var debounceTimer = null;
  function onInput() {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(function () {
      var s = readState();
      var q = $('q').value.trim();
      if (q === s.q && s.view === 'search') return;
      s.q = q;
      s.page = 1;
      s.view = 'search';
      s.id = '';
      var replace = typing;
      typing = true;
      go(s, replace);
    }, 250);
  }

  function focusResult(i) {
    var items = document.querySelectorAll('#results .result');
    if (!items.length) return;
    i = Math.max(0, Math.min(items.length - 1, i));
    items[i].focus();
    items[i].scrollIntoView({ block: 'nearest' });
  }

  function currentResultIndex() {
    var a = document.activeElement;
    var li = a && a.closest ? a.closest('#results .result') : null;
    return li ? +li.getAttribute('data-index') : -1;
  }

  function onKey(ev) {
    var t = ev.target;
    var inField = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (ev.key === '/' && !inField && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      $('q').focus();
      $('q').select();
      return;
    }
    var view = readState().view;
    if (ev.key === 'Escape') {
      if (view === 'detail') { ev.preventDefault(); history.back(); }
      else if (t === $('q')) { $('q').blur(); }
      return;
    }
    if (view !== 'search') return;
    if (t === $('q') && ev.key === 'ArrowDown') { ev.preventDefault(); focusResult(0); return; }
    if (inField) return;
    var i = currentResultIndex();
    if (ev.key === 'ArrowDown' || ev.key === 'j') { ev.preventDefault(); focusResult(i + 1); }
    else if (ev.key === 'ArrowUp' || ev.key === 'k') {
      ev.preventDefault();
      if (i <= 0) $('q').focus(); else focusResult(i - 1);
    } else if (ev.key === 'Enter' && i >= 0 && t.classList && t.classList.contains('result')) {
      ev.preventDefault();
      t.querySelector('a.rid').click();
    }
  }

  function init() {
    $('q').addEventListener('input', onInput);
    $('searchform').addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearTimeout(debounceTimer);
      var s = readState();
      s.q = $('q').value.trim();
      s.page = 1;
      s.view = 'search';
      s.id = '';
      var replace = typing;
      typing = false;
      go(s, replace);
      focusResult(0);
    });
    $('sort').addEventListener('change', function () {
      var s = readState();
      s.sort = $('sort').value;
      s.page = 1;
      typing = false;
      go(s);
    });
    $('clear-filters').addEventListener('click', function () {
      var s = readState();
      MULTI.forEach(function (k) { s[k] = []; });
      s.from = s.to = '';
      s.page = 1;
      typing = false;
      go(s);
    });
    ['brand', 'tab-search', 'tab-areas', 'tab-coverage', 'tab-overlap', 'tab-changes', 'back'].forEach(function (id) {
      $(id).addEventListener('click', function (ev) {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        typing = false;
        history.pushState(null, '', $(id).getAttribute('href'));
        render();
      });
    });
    $('skip').addEventListener('click', function (ev) {
      ev.preventDefault();
      var t = skipTarget();
      if (!t.hasAttribute('tabindex')) t.setAttribute('tabindex', '-1');
      t.focus({ preventScroll: true });
      t.scrollIntoView({ block: 'start' });
    });
    document.addEventListener('keydown', onKey);
    window.addEventListener('popstate', function () { typing = false; render(); });
    if (window.matchMedia && window.matchMedia('(max-width: 760px)').matches) $('facets-toggle').open = false;
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
