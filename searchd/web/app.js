/* app.js — the secstd web page: search with instant results, facets,
 * technology-area browser, coverage map and a standard's detail view, all
 * from the JSON API of searchd. The URL's query string carries the whole
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
  var FACET_ORDER = [
    { key: 'sdo', label: 'Standards body' },
    { key: 'area', label: 'Technology area' },
    { key: 'status', label: 'Status' },
    { key: 'year', label: 'Year' }
  ];
  var FACET_SHOWN = 8;

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
             from: '', to: '', sort: 'relevance', page: 1, id: '' };
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
    var view = p.get('view');
    s.view = s.id ? 'detail' : (view === 'areas' || view === 'coverage' ? view : 'search');
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

  function showError(msg) {
    var e = $('error');
    if (!msg) { e.hidden = true; e.textContent = ''; return; }
    e.textContent = msg;
    e.hidden = false;
  }

  function fetchJSON(url, signal) {
    return fetch(url, { signal: signal, headers: { Accept: 'application/json' } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var err = new Error((body && body.error && body.error.message) || ('HTTP ' + r.status));
          err.status = r.status;
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

  function showView(name) {
    ['search', 'detail', 'areas', 'coverage'].forEach(function (v) {
      $('view-' + v).hidden = v !== name;
    });
    ['search', 'areas', 'coverage'].forEach(function (v) {
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
    if (s.view === 'coverage') return renderCoverage();
    return renderSearch(s);
  }

  /* ---- search ----------------------------------------------------------- */

  function renderSearch(s) {
    $('sort').value = s.sort;
    var params = searchParams(s, true);
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
      clear($('results'));
      clear($('pager'));
      $('summary').textContent = '';
      showError(e.message);
    });
  }

  function drawResults(s, body) {
    var total = body.total || 0;
    var summary = $('summary');
    clear(summary);
    var from = total ? (s.page - 1) * PER_PAGE + 1 : 0;
    var to = Math.min(total, s.page * PER_PAGE);
    summary.appendChild(el('strong', { text: total.toLocaleString('en') }));
    summary.appendChild(document.createTextNode(total === 1 ? ' standard' : ' standards'));
    if (s.q) {
      summary.appendChild(document.createTextNode(' for '));
      summary.appendChild(el('q', { text: s.q }));
    }
    if (total > PER_PAGE) summary.appendChild(document.createTextNode(' · showing ' + from + '–' + to));
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
    $('searchhint').hidden = !!s.q;

    drawChips(s);
    drawFacets(s, body.facets || {});

    var list = $('results');
    clear(list);
    lastResults = body.results || [];
    if (!lastResults.length) {
      list.appendChild(el('li', { className: 'empty' }, [
        el('p', { text: s.q ? 'No standards match this search.' : 'No standards match these filters.' }),
        el('p', { className: 'muted', text: 'Try fewer words, another spelling, or remove a filter.' })
      ]));
    }
    lastResults.forEach(function (r, i) { list.appendChild(resultItem(s, r, i)); });
    drawPager(s, total);
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
        var label = k === 'area' ? areaLabel(v) : v;
        var a = navLink(stateURL(st), null, 'chip removable');
        a.setAttribute('aria-label', 'Remove filter ' + k + ': ' + label);
        a.appendChild(el('span', { className: 'chip-key', text: k }));
        a.appendChild(document.createTextNode(' ' + label + ' '));
        a.appendChild(el('span', { className: 'x', 'aria-hidden': 'true', text: '×' }));
        chips.appendChild(a);
        n++;
      });
    });
    if (s.from || s.to) {
      var st = Object.assign({}, s, { from: '', to: '', page: 1 });
      var a = navLink(stateURL(st), null, 'chip removable');
      a.appendChild(el('span', { className: 'chip-key', text: 'year' }));
      a.appendChild(document.createTextNode(' ' + (s.from === s.to ? s.from : (s.from || '…') + '–' + (s.to || '…')) + ' '));
      a.appendChild(el('span', { className: 'x', 'aria-hidden': 'true', text: '×' }));
      chips.appendChild(a);
      n++;
    }
    var badge = $('active-count');
    badge.hidden = n === 0;
    badge.textContent = String(n);
  }

  function yearRange(s) {
    var a = /^\d{4}$/.test(s.from) ? +s.from : null;
    var b = /^\d{4}$/.test(s.to) ? +s.to : null;
    return { from: a, to: b };
  }

  function drawFacets(s, facets) {
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
      group.appendChild(el('legend', { text: f.label }));
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
        var label = el('label', { 'for': id }, [
          el('span', { className: 'facet-label', text: f.key === 'area' ? areaLabel(v) : v }),
          el('span', { className: 'facet-count', text: String(counts[v] || 0) })
        ]);
        group.appendChild(el('div', { className: 'facet-row' + (counts[v] ? '' : ' zero') }, [input, label]));
      });
      if (values.length > FACET_SHOWN) {
        var more = el('button', { type: 'button', className: 'btn-link more',
          text: expanded[f.key] ? 'Show fewer' : 'Show all ' + values.length });
        more.addEventListener('click', function () { expanded[f.key] = !expanded[f.key]; drawFacets(readState(), facets); });
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
    var pages = Math.min(Math.ceil(total / PER_PAGE), Math.floor(10000 / PER_PAGE));
    if (pages <= 1) return;
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
      box.appendChild(el('h1', { className: 'detail-id', text: s.id }));
      box.appendChild(el('p', { className: 'error-inline', text: e.message }));
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
      var ul = el('ul', { className: 'editions' });
      rec.editions.slice(0, 50).forEach(function (e) {
        ul.appendChild(el('li', null, [e.id || '', e.date ? el('span', { className: 'muted', text: ' · ' + e.date }) : null]));
      });
      side.appendChild(ul);
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

  function renderAreas() {
    document.title = 'Technology areas — secstd';
    var grid = $('areas');
    return loadAreas().then(function (areas) {
      clear(grid);
      areas.forEach(function (a) {
        var card = el('article', { className: 'area-card' + (a.count ? '' : ' empty-area') });
        var h = el('h2', null, [navLink(stateURL(Object.assign(emptyState(), { area: [a.id] })), a.label)]);
        card.appendChild(el('div', { className: 'area-top' }, [h, el('span', { className: 'area-count', text: String(a.count || 0) })]));
        if (a.scope) card.appendChild(el('p', { className: 'scope', text: a.scope }));
        var by = a.by_sdo || {};
        var sdos = Object.keys(by).sort(function (x, y) { return by[y] - by[x]; });
        if (sdos.length) {
          var row = el('div', { className: 'chip-list' });
          sdos.forEach(function (sdo) {
            var link = navLink(stateURL(Object.assign(emptyState(), { area: [a.id], sdo: [sdo] })), null, 'chip sdo-chip');
            link.appendChild(document.createTextNode(sdo + ' '));
            link.appendChild(el('span', { className: 'n', text: String(by[sdo]) }));
            row.appendChild(link);
          });
          card.appendChild(row);
        }
        grid.appendChild(card);
      });
    }).catch(function (e) { showError(e.message); });
  }

  function renderCoverage() {
    document.title = 'Coverage — secstd';
    var table = $('coverage');
    return Promise.all([fetchJSON('/api/coverage'), loadAreas().catch(function () { return []; })]).then(function (res) {
      var cov = res[0];
      clear(table);
      var sdos = cov.sdos || [];
      var max = 1;
      (cov.areas || []).forEach(function (a) {
        sdos.forEach(function (sdo) { var c = a.cells && a.cells[sdo]; if (c && c.total > max) max = c.total; });
      });
      var thead = el('thead');
      var hr = el('tr', null, [el('th', { scope: 'col', className: 'corner', text: 'Area' })]);
      sdos.forEach(function (sdo) { hr.appendChild(el('th', { scope: 'col', text: sdo })); });
      hr.appendChild(el('th', { scope: 'col', text: 'Total' }));
      thead.appendChild(hr);
      table.appendChild(thead);
      var tbody = el('tbody');
      (cov.areas || []).forEach(function (a) {
        var tr = el('tr');
        tr.appendChild(el('th', { scope: 'row' }, [navLink(stateURL(Object.assign(emptyState(), { area: [a.id] })), a.label)]));
        sdos.forEach(function (sdo) {
          var c = a.cells && a.cells[sdo];
          var n = c ? c.total : 0;
          var td = el('td', { className: n ? 'cell' : 'cell gap-cell' });
          if (n) {
            var level = Math.min(5, Math.ceil(5 * n / max));
            td.classList.add('heat-' + level);
            var link = navLink(stateURL(Object.assign(emptyState(), { area: [a.id], sdo: [sdo] })), String(n));
            link.setAttribute('title', sdo + ' · ' + a.label + ': ' + n + ' (' + (c.published || 0) + ' published, ' + (c.in_development || 0) + ' in development)');
            td.appendChild(link);
          } else {
            td.textContent = '·';
            td.setAttribute('title', 'No ' + sdo + ' standards in ' + a.label);
          }
          tr.appendChild(td);
        });
        tr.appendChild(el('td', { className: 'total', text: String(a.total || 0) }));
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
    }).catch(function (e) { showError(e.message); });
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
    ['brand', 'tab-search', 'tab-areas', 'tab-coverage', 'back'].forEach(function (id) {
      $(id).addEventListener('click', function (ev) {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        typing = false;
        history.pushState(null, '', $(id).getAttribute('href'));
        render();
      });
    });
    document.addEventListener('keydown', onKey);
    window.addEventListener('popstate', function () { typing = false; render(); });
    if (window.matchMedia && window.matchMedia('(max-width: 760px)').matches) $('facets-toggle').open = false;
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
