// protoharness report: draws the embedded results (#ph-data) one scenario at a time.
// Plain JavaScript, no libraries, nothing fetched: the page must open from a CI artefact.
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('ph-data').textContent);
  var RUN = DATA.run || {};
  var ALL = DATA.scenarios || [];
  var VERDICTS = ['FAIL', 'ERROR', 'WARN', 'PASS'];
  var RANK = { FAIL: 0, ERROR: 1, WARN: 2, PASS: 3 };
  var byId = new Map();
  ALL.forEach(function (s) { byId.set(s.id, s); });
  // Failing first, then by id: the list a person debugging wants to read from the top.
  var SORTED = ALL.slice().sort(function (a, b) {
    return (RANK[a.v] - RANK[b.v]) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  var $ = function (id) { return document.getElementById(id); };
  var ENT = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return ENT[c]; }); }
  // Text the reports made visible (CR as ␍, LF as ␊, TAB as ␉, bytes as \xNN): the marks
  // drawn as small labels, since many monospace fonts have no glyph for ␍ and ␊.
  var MARKS = { '\u240d': 'CR', '\u240a': 'LF', '\u2409': 'TAB' };
  function vis(s) {
    return esc(s).replace(/[\u240d\u240a\u2409]|\\x[0-9A-F]{2}/g, function (m) {
      return MARKS[m] ? '<span class="cc" title="' + m + '">' + MARKS[m] + '</span>' : '<span class="cc hex">' + m + '</span>';
    });
  }
  function ms(v) { return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms'; }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  function hrefFor(id) { return '#' + encodeURIComponent(id).replace(/%2F/g, '/'); }
  function idFromHash() {
    var h = location.hash.slice(1);
    try { return decodeURIComponent(h); } catch (e) { return h; }
  }

  // ---- filters --------------------------------------------------------------------------
  var state = { verdicts: new Set(), protocol: '', tag: '', rule: '', q: '' };

  function readQuery() {
    var p = new URLSearchParams(location.search);
    (p.get('verdict') || '').split(',').forEach(function (v) {
      v = v.trim().toUpperCase();
      if (RANK[v] !== undefined) state.verdicts.add(v);
    });
    state.protocol = p.get('protocol') || '';
    state.tag = p.get('tag') || '';
    state.rule = p.get('rule') || '';
    state.q = p.get('q') || '';
  }

  function writeQuery() {
    var p = new URLSearchParams();
    if (state.verdicts.size) p.set('verdict', VERDICTS.filter(function (v) { return state.verdicts.has(v); }).join(','));
    if (state.protocol) p.set('protocol', state.protocol);
    if (state.tag) p.set('tag', state.tag);
    if (state.rule) p.set('rule', state.rule);
    if (state.q) p.set('q', state.q);
    var qs = p.toString();
    try {
      history.replaceState(null, '', (qs ? '?' + qs : location.pathname) + location.hash);
    } catch (e) { /* some browsers refuse for file: URLs; the filter still applies */ }
  }

  var haystacks = new Map();
  function haystack(s) {
    var h = haystacks.get(s.id);
    if (h === undefined) {
      var parts = [s.id, s.s, s.p, s.f, (s.tags || []).join(' '), s.div ? s.div.text : ''];
      s.rules.forEach(function (r) { parts.push(r.id, r.msg); });
      s.probs.forEach(function (p) { parts.push(p); });
      h = parts.join('\n').toLowerCase();
      haystacks.set(s.id, h);
    }
    return h;
  }

  function matches(s) {
    if (state.verdicts.size && !state.verdicts.has(s.v)) return false;
    if (state.protocol && s.p !== state.protocol) return false;
    if (state.tag && (s.tags || []).indexOf(state.tag) < 0) return false;
    if (state.rule && !s.rules.some(function (r) { return r.id === state.rule; })) return false;
    if (state.q) {
      var h = haystack(s);
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var i = 0; i < words.length; i++) if (h.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function fillSelect(sel, values, current) {
    values.forEach(function (v) {
      var o = document.createElement('option');
      o.value = v; o.textContent = v;
      sel.appendChild(o);
    });
    if (current && values.indexOf(current) < 0) {
      var o = document.createElement('option');
      o.value = current; o.textContent = current + ' (none)';
      sel.appendChild(o);
    }
    sel.value = current;
  }

  function setupFilters() {
    var protocols = new Set(), tags = new Set(), rules = new Set();
    ALL.forEach(function (s) {
      protocols.add(s.p);
      (s.tags || []).forEach(function (t) { tags.add(t); });
      s.rules.forEach(function (r) { rules.add(r.id); });
    });
    fillSelect($('protocol'), Array.from(protocols).sort(), state.protocol);
    fillSelect($('tag'), Array.from(tags).sort(), state.tag);
    fillSelect($('rule'), Array.from(rules).sort(), state.rule);
    $('q').value = state.q;
    var counts = DATA.counts || {};
    $('verdicts').innerHTML = VERDICTS.map(function (v) {
      return '<button type="button" class="chip ' + v + (state.verdicts.has(v) ? ' on' : '') + '" data-v="' + v +
        '" aria-pressed="' + state.verdicts.has(v) + '">' + v + ' ' + (counts[v] || 0) + '</button>';
    }).join('');
    $('verdicts').addEventListener('click', function (e) {
      var b = e.target.closest('.chip');
      if (!b) return;
      var v = b.getAttribute('data-v');
      if (state.verdicts.has(v)) state.verdicts.delete(v); else state.verdicts.add(v);
      b.classList.toggle('on', state.verdicts.has(v));
      b.setAttribute('aria-pressed', state.verdicts.has(v));
      changed();
    });
    ['protocol', 'tag', 'rule'].forEach(function (k) {
      $(k).addEventListener('change', function () { state[k] = $(k).value; changed(); });
    });
    var timer = 0;
    $('q').addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = $('q').value.trim(); changed(); }, 120);
    });
    $('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  }

  function changed() { writeQuery(); renderList(); }

  // ---- header and list ------------------------------------------------------------------
  function renderHeader() {
    var c = DATA.counts || {};
    $('counts').innerHTML = VERDICTS.map(function (v) {
      return '<span class="count ' + v + (c[v] ? '' : ' zero') + '" title="' + v + '">' + (c[v] || 0) + ' ' + v + '</span>';
    }).join('');
    var bits = [ALL.length + ' scenarios'];
    if (RUN.started_at) bits.push(RUN.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
    if (RUN.wall_time_ms) bits.push(ms(RUN.wall_time_ms));
    if (RUN.command) bits.push(RUN.command);
    $('run-line').textContent = bits.join(' · ');
  }

  var current = null;

  function renderList() {
    var shown = SORTED.filter(matches);
    $('list').innerHTML = shown.map(function (s) {
      // The divergence without its "file.toml:12: " prefix: the list is narrow.
      var why = s.div ? s.div.text.replace(/^\S+\.toml:\d+: /, '') : s.s;
      return '<li class="v-' + s.v + (s.id === current ? ' sel' : '') + '" data-id="' + esc(s.id) + '"><a href="' + esc(hrefFor(s.id)) + '">' +
        '<span class="badge ' + s.v + '">' + s.v + '</span><span class="id" title="' + esc(s.id) + '">' + esc(s.id) + '</span>' +
        '<span class="ms">' + ms(s.ms) + '</span><span class="why" title="' + esc(why) + '">' + esc(why) + '</span></a></li>';
    }).join('');
    $('shown').textContent = shown.length === ALL.length ? 'all ' + ALL.length + ' scenarios, failing first'
      : shown.length + ' of ' + ALL.length + ' scenarios match';
  }

  function markSelected() {
    var items = $('list').children;
    for (var i = 0; i < items.length; i++) items[i].classList.toggle('sel', items[i].getAttribute('data-id') === current);
  }

  // ---- run summary ----------------------------------------------------------------------
  function renderSummary() {
    var c = DATA.counts || {};
    var h = '<h1>Run summary</h1>';
    h += '<div class="cards">' + VERDICTS.map(function (v) {
      return '<a class="card ' + v + '" href="?verdict=' + v + '"><div class="num">' + (c[v] || 0) + '</div><div class="lbl">' + v + '</div></a>';
    }).join('') + '<div class="card"><div class="num">' + ALL.length + '</div><div class="lbl">scenarios</div></div></div>';

    var info = [['started', RUN.started_at], ['wall time', RUN.wall_time_ms ? ms(RUN.wall_time_ms) : ''],
      ['jobs', RUN.jobs], ['client', RUN.client], ['command', RUN.command],
      ['tree', (RUN.paths || []).join(' ')], ['host', RUN.hostname], ['protoharness', RUN.tool_version],
      ['credentials', RUN.redacted === false ? 'shown (--no-redact)' : 'masked']];
    h += '<h2>Run</h2><dl class="info">' + info.filter(function (x) { return x[1] !== undefined && x[1] !== ''; }).map(function (x) {
      return '<dt>' + esc(x[0]) + '</dt><dd' + (x[0] === 'command' || x[0] === 'tree' ? ' class="mono"' : '') + '>' + esc(x[1]) + '</dd>';
    }).join('') + '</dl>';

    var byProto = new Map();
    ALL.forEach(function (s) {
      var row = byProto.get(s.p) || { total: 0, PASS: 0, WARN: 0, FAIL: 0, ERROR: 0 };
      row.total++; row[s.v]++;
      byProto.set(s.p, row);
    });
    h += '<div class="two"><div><h2>By protocol</h2><table class="grid"><tr><th>protocol</th><th>total</th>' +
      VERDICTS.map(function (v) { return '<th>' + v + '</th>'; }).join('') + '</tr>' +
      Array.from(byProto.keys()).sort().map(function (p) {
        var r = byProto.get(p);
        return '<tr><td><a href="?protocol=' + encodeURIComponent(p) + '">' + esc(p) + '</a></td><td class="num">' + r.total + '</td>' +
          VERDICTS.map(function (v) {
            return '<td class="num">' + (r[v] ? '<a href="?protocol=' + encodeURIComponent(p) + '&amp;verdict=' + v + '">' + r[v] + '</a>' : '<span class="muted">0</span>') + '</td>';
          }).join('') + '</tr>';
      }).join('') + '</table></div>';

    var fired = new Map();
    ALL.forEach(function (s) {
      s.rules.forEach(function (r) {
        var f = fired.get(r.id) || { n: 0, lvl: r.lvl, rfc: r.rfc };
        f.n++;
        fired.set(r.id, f);
      });
    });
    var top = Array.from(fired.entries()).sort(function (a, b) { return b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1); }).slice(0, 15);
    h += '<div><h2>Rules that fired most</h2>' + (top.length ? '<table class="grid"><tr><th>rule</th><th>level</th><th>RFC</th><th>scenarios</th></tr>' +
      top.map(function (e) {
        return '<tr><td><a class="mono" href="?rule=' + encodeURIComponent(e[0]) + '">' + esc(e[0]) + '</a></td><td><span class="lvl ' + e[1].lvl + '">' + e[1].lvl +
          '</span></td><td class="rfc">' + rfcLinks(e[1].rfc) + '</td><td class="num">' + e[1].n + '</td></tr>';
      }).join('') + '</table>' : '<p class="muted">No rule fired.</p>') + '</div></div>';

    var slow = ALL.slice().sort(function (a, b) { return b.ms - a.ms; }).slice(0, 10);
    h += '<h2>Slowest scenarios</h2><table class="grid"><tr><th>scenario</th><th>verdict</th><th>time</th></tr>' +
      slow.map(function (s) {
        return '<tr><td><a class="mono" href="' + esc(hrefFor(s.id)) + '">' + esc(s.id) + '</a></td><td><span class="badge ' + s.v + '">' + s.v +
          '</span></td><td class="num">' + ms(s.ms) + '</td></tr>';
      }).join('') + '</table>';
    $('view').innerHTML = h;
    $('view').scrollTop = 0;
  }

  // ---- one scenario ---------------------------------------------------------------------
  function rfcLinks(pieces) {
    return (pieces || []).map(function (p) {
      return p[1] ? '<a href="' + esc(p[1]) + '" target="_blank" rel="noopener">' + esc(p[0]) + '</a>' : esc(p[0]);
    }).join('');
  }

  function globMatch(p, t) {
    var re = '^' + p.split('').map(function (ch) {
      if (ch === '*') return '[\\s\\S]*';
      if (ch === '?') return '[\\s\\S]';
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }).join('') + '$';
    return new RegExp(re).test(t);
  }
  // As the runner compares (harness/expect.cpp): tables as subsets, '*' strings as globs.
  function subsetMatch(want, got) {
    if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
      if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
      var keys = Object.keys(want);
      if (!keys.length) return Object.keys(got).length === 0;
      return keys.every(function (k) { return Object.prototype.hasOwnProperty.call(got, k) && subsetMatch(want[k], got[k]); });
    }
    if (typeof want === 'string' && typeof got === 'string') return want.indexOf('*') >= 0 ? globMatch(want, got) : want === got;
    return JSON.stringify(want) === JSON.stringify(got);
  }

  function pieces3(p, cls) {
    var mid = p[1] ? '<mark class="diff">' + vis(p[1]) + '</mark>' : '<mark class="diff ins" title="' + (cls || 'the other side has more here') + '"></mark>';
    return vis(p[0]) + mid + vis(p[2]);
  }

  function evLink(conn, ev, label) {
    if (ev < 0) return '';
    return '<a href="#" class="jump" data-ev="' + conn + ':' + ev + '">' + esc(label || 'transcript') + '</a>';
  }

  function scriptTable(s) {
    var conns = new Set(s.script.map(function (t) { return t.conn; }));
    var h = '<table class="cmp script"><colgroup><col style="width:92px"><col><col><col style="width:26%"><col style="width:34px"></colgroup>' +
      '<tr><th>step</th><th>expected (script)</th><th>actual (client sent)</th><th>server replied</th><th></th></tr>';
    var lastConn = null;
    s.script.forEach(function (t, i) {
      if (conns.size > 1 && t.conn !== lastConn) {
        h += '<tr class="connrow"><td colspan="5">connection ' + t.conn + '</td></tr>';
        lastConn = t.conn;
      }
      var cls = !t.reached ? 'unreached' : t.ok ? 'ok' : 'bad';
      var first = s.div && s.div.src === 'script' && s.div.idx === i;
      var exp, act;
      if (t.rd === 'line') {
        var kind = '<span class="kind">' + (t.re ? 'regex' : 'glob') + '</span>';
        exp = kind + (t.d ? pieces3(t.d.e, 'the client sent more here') : vis(t.exp));
        if (!t.reached) act = '<span class="muted">not reached</span>';
        else if (!t.bytes) act = '<span class="muted">(nothing: the client closed)</span>';
        else act = (t.d ? pieces3(t.d.a, 'the pattern has more here') : vis(t.act)) + vis(t.eol) + evLink(t.conn, t.ev, 'show');
      } else if (t.rd === 'block') {
        exp = '<span class="kind">block</span>' + vis(t.exp);
        if (!t.reached) act = '<span class="muted">not reached</span>';
        else {
          var rows = t.rows || [];
          act = rows.slice(0, 4).map(vis).join('<br>') + (rows.length > 4 ? '<br><span class="muted">…</span>' : '') +
            '<br><span class="muted">' + num(t.bytes) + ' bytes</span>' + evLink(t.conn, t.ev, 'show');
        }
      } else {
        exp = '<span class="muted">(sends only)</span>';
        act = '';
      }
      var sent = (t.sent || []).slice(0, 6).map(vis).join('<br>') + ((t.sent || []).length > 6 ? '<br>…' : '');
      h += '<tr id="sstep-' + i + '" class="' + cls + (first ? ' first-divergence' : '') + '"><td class="n">' +
        (t.n ? 'step ' + t.n : 'after end') + '<span class="where" title="' + esc(t.at) + '">' + esc(t.at.replace(/^.*\//, '')) + '</span></td><td>' + exp + '</td><td>' + act +
        '</td><td class="sent">' + sent + '</td><td class="st">' + (!t.reached ? '–' : t.ok ? '✓' : '✗') + '</td></tr>';
      if (t.reached && !t.ok && t.mm) h += '<tr class="why' + (first ? ' first-divergence' : '') + '"><td></td><td colspan="4">' + vis(t.mm) + '</td></tr>';
    });
    return h + '</table>';
  }

  function outcomeHtml(obj, other, isExpected) {
    if (obj === null || obj === undefined) return '<span class="muted">' + (isExpected ? 'succeeds (no error)' : 'nothing') + '</span>';
    if (typeof obj !== 'object' || Array.isArray(obj)) return esc(JSON.stringify(obj));
    var keys = Object.keys(obj);
    if (!keys.length) return '{}';
    return keys.map(function (k) {
      var bad;
      if (isExpected) bad = !(other && typeof other === 'object' && Object.prototype.hasOwnProperty.call(other, k) && subsetMatch(obj[k], other[k]));
      else bad = (other && typeof other === 'object' && Object.prototype.hasOwnProperty.call(other, k)) ? !subsetMatch(other[k], obj[k])
        : (k === 'error' && !(other && other.error));
      var v = esc(k) + ' = ' + esc(JSON.stringify(obj[k]));
      return '<span class="kv">' + (bad ? '<mark class="diff">' + v + '</mark>' : v) + '</span>';
    }).join('');
  }

  function stepsTable(s) {
    var h = '<table class="cmp steps"><colgroup><col style="width:92px"><col><col><col style="width:80px"><col style="width:34px"></colgroup>' +
      '<tr><th>client step</th><th>expected outcome</th><th>actual outcome</th><th>time</th><th></th></tr>';
    s.steps.forEach(function (st, i) {
      var first = s.div && s.div.src === 'client step' && s.div.idx === i;
      h += '<tr id="cstep-' + i + '" class="' + (st.ok ? 'ok' : 'bad') + (first ? ' first-divergence' : '') + '"><td class="n">' + (i + 1) + '. ' + esc(st.op) +
        '</td><td>' + outcomeHtml(st.exp, st.out, true) + '</td><td>' + outcomeHtml(st.out, st.exp, false) + '</td><td class="n">' + ms(st.ms) +
        '</td><td class="st">' + (st.ok ? '✓' : '✗') + '</td></tr>';
      if (!st.ok && st.mm) h += '<tr class="why"><td></td><td colspan="4">' + vis(st.mm) + '</td></tr>';
    });
    return h + '</table>';
  }

  function findingsList(s) {
    return '<ul class="findings">' + s.rules.map(function (r) {
      var first = s.div && s.div.src === 'rule' && s.div.idx === r.n;
      return '<li class="finding ' + r.lvl + (first ? ' first-divergence' : '') + '" id="rule-' + r.n + '"><div class="head"><span class="lvl ' + r.lvl + '">' + r.lvl +
        '</span><code>' + esc(r.id) + '</code><span class="rfc">' + rfcLinks(r.rfc) + '</span>' + (r.lt ? '<span class="lt">' + esc(r.lt) + '</span>' : '') +
        '</div><div class="msg">' + vis(r.msg) + '</div>' + (r.sum ? '<div class="sum">' + esc(r.sum) + '</div>' : '') +
        (r.ev.length ? '<ul class="evidence">' + r.ev.slice(0, 20).map(function (e) {
          return '<li>' + (e[1] >= 0 ? evLink(e[0], e[1], 'conn ' + e[0] + ' · event ' + e[1]) : 'conn ' + e[0]) + ' <code>' + vis(e[2]) + '</code></li>';
        }).join('') + (r.ev.length > 20 ? '<li class="muted">… ' + (r.ev.length - 20) + ' more</li>' : '') + '</ul>' : '') + '</li>';
    }).join('') + '</ul>';
  }

  var MARKERS = {
    open: 'channel opened', 'tls-start': 'TLS handshake started', 'tls-ready': 'TLS established',
    'tls-failed': 'TLS handshake failed', close: 'closed', reset: 'reset the connection', note: 'note'
  };
  // An event shows this much at first; the rest of what the report holds opens on a click.
  var SHOWN_ROWS = 12, SHOWN_CHARS = 1500;

  function linesHtml(rows, cont) {
    var shown = [], rest = [], chars = 0;
    rows.forEach(function (row, i) {
      if (rest.length || shown.length >= SHOWN_ROWS) { rest.push([row, false]); return; }
      if (chars + row.length > SHOWN_CHARS && shown.length) { rest.push([row, false]); return; }
      if (chars + row.length > SHOWN_CHARS) {
        // One long row (binary data without line ends): cut it, the tail goes behind "more".
        var cut = SHOWN_CHARS - chars;
        var esc4 = row.lastIndexOf('\\x', cut);  // keep a "\xNN" whole
        if (esc4 >= 0 && esc4 + 4 > cut) cut = esc4;
        if (/[\ud800-\udbff]/.test(row.charAt(cut - 1))) cut--;  // and a surrogate pair
        shown.push([row.slice(0, cut), i === 0 && cont]);
        rest.push([row.slice(cut), true]);
        chars = SHOWN_CHARS;
        return;
      }
      shown.push([row, i === 0 && cont]);
      chars += row.length;
    });
    // Hiding less than a few rows saves nothing: show them.
    if (rest.length && rest.length <= 3 && rest.every(function (r) { return r[0].length < 200; })) {
      shown = shown.concat(rest);
      rest = [];
    }
    var line = function (r) { return '<div class="ln' + (r[1] ? ' cont' : '') + '">' + vis(r[0]) + '</div>'; };
    var out = shown.map(line).join('');
    if (rest.length) {
      var hidden = rest.reduce(function (n, r) { return n + r[0].length; }, 0);
      out += '<button type="button" class="more" data-label="' + rest.length + ' more line(s), ' + num(hidden) + ' characters">▸ ' +
        rest.length + ' more line(s), ' + num(hidden) + ' characters</button><div class="rest" hidden>' + rest.map(line).join('') + '</div>';
    }
    return out;
  }

  function transcriptHtml(s) {
    if (!s.conns.length) return '<p class="muted">No connection was recorded.</p>';
    // Findings by the event they cite, per connection.
    var cites = new Map();
    s.rules.forEach(function (r) {
      r.ev.forEach(function (e) {
        if (e[1] < 0) return;
        var key = e[0] + ':' + e[1];
        var list = cites.get(key) || [];
        if (!list.some(function (x) { return x.n === r.n; })) list.push(r);
        cites.set(key, list);
      });
    });
    return s.conns.map(function (c) {
      var chans = c.ch.map(function (ch) { return esc(ch[0]) + ' <span class="mono">' + esc(ch[1]) + ' → ' + esc(ch[2]) + '</span>'; }).join(' · ');
      var h = '<div class="conn" id="conn-' + c.n + '"><h3>Connection ' + c.n + '</h3><div class="chans">' + chans + '</div><div class="seq">' +
        '<div class="row head"><span>ms</span><span>channel</span><span>client</span><span>server</span></div>';
      c.ev.forEach(function (e) {
        var idx = e[0], kind = e[1], dir = e[2], ch = e[3], t = e[4], rows = e[5], x = e[6] || {};
        var label = c.ch[ch] ? c.ch[ch][0] : 'channel ' + ch;
        var last = kind === 'elided' ? x.last : idx;
        var isDiv = s.div && s.div.conn === c.n && s.div.ev >= idx && s.div.ev <= last;
        var cls = 'row ' + (isDiv ? 'div-ev ' : '');
        var time = '<span class="t">' + (t / 1000).toFixed(3) + '</span><span class="chn" title="' + esc(label) + '">' + esc(label) + '</span>';
        var id = ' id="ev-' + c.n + '-' + idx + '" data-last="' + last + '"';
        if (kind === 'data') {
          var lane = linesHtml(rows, x.c) + (x.more ? '<div class="elided-note">… ' + num(x.more) + ' more bytes not in this report (sha256 ' + esc(String(x.sha).slice(0, 16)) + '…)</div>' : '');
          h += dir === 0 ? '<div class="' + cls + 'c"' + id + '>' + time + '<div class="lane client">' + lane + '</div><div class="lane server"></div></div>'
            : '<div class="' + cls + 's"' + id + '>' + time + '<div class="lane client"></div><div class="lane server">' + lane + '</div></div>';
        } else if (kind === 'elided') {
          h += '<div class="' + cls + 'm elided"' + id + '>' + time + '<div class="marker">… ' + num(x.n) + ' more writes from the ' + (dir === 0 ? 'client' : 'server') +
            ', ' + num(x.bytes) + ' bytes, until ' + (x.t2 / 1000).toFixed(3) + ' ms: not in this report (events ' + idx + '–' + x.last + ')</div></div>';
        } else {
          var what = MARKERS[kind] || kind;
          if (kind === 'close' || kind === 'reset') what = (dir === 0 ? 'client ' : 'server ') + what;
          var text = rows[0] ? ': ' + vis(rows[0]) : '';
          var mk = kind.indexOf('tls') === 0 ? ' tls' : kind === 'close' || kind === 'reset' ? ' close' : '';
          h += '<div class="' + cls + 'm' + mk + '"' + id + '>' + time + '<div class="marker">— ' + esc(what) + text + ' —</div></div>';
        }
        for (var k = idx; k <= last; k++) {
          (cites.get(c.n + ':' + k) || []).forEach(function (r) {
            h += '<div class="row finding-row ' + r.lvl + '"><span class="t"></span><span class="chn"></span><div class="fi"><span class="flag">⚑ ' + r.lvl + ' ' + esc(r.id) +
              '</span>' + rfcLinks(r.rfc) + ' — ' + vis(r.msg) + ' <a href="#" class="jump" data-rule="' + r.n + '">finding</a></div></div>';
          });
        }
      });
      return h + '</div></div>';
    }).join('');
  }

  function renderScenario(s) {
    var h = '<h1><span class="badge ' + s.v + '">' + s.v + '</span><span class="mono">' + esc(s.id) + '</span></h1>';
    h += '<p class="summary">' + esc(s.s) + '</p><p class="meta"><span><b>' + esc(s.p) + '</b></span><span>' + esc(s.f) + '</span><span>' + ms(s.ms) + '</span>' +
      '<span>rules: ' + s.rules.length + ' failed, ' + s.checked.pass + ' passed, ' + s.checked.na + ' n/a</span>' +
      ((s.tags || []).length ? '<span>' + s.tags.map(function (t) { return '<a class="tag" href="?tag=' + encodeURIComponent(t) + '">' + esc(t) + '</a>'; }).join('') + '</span>' : '') + '</p>';
    if (s.div) {
      h += '<div class="divergence-box ' + s.v + '" id="divergence"><span class="what">First divergence</span><span class="muted">(' + esc(s.div.src) + ')</span> ' +
        '<div class="text">' + vis(s.div.text) + '</div>' + '<a href="#" class="jump" data-div="1">show in the steps</a>' +
        (s.div.ev >= 0 ? evLink(s.div.conn, s.div.ev, 'show in the transcript') : '') + '</div>';
    }
    if (s.script.length) h += '<h2>Script: expected vs actual</h2>' + scriptTable(s);
    if (s.steps.length) h += '<h2>Client steps: expected vs actual outcome</h2>' + stepsTable(s);
    if (s.rules.length) h += '<h2>Rule findings</h2>' + findingsList(s);
    if (s.probs.length) h += '<h2>Problems</h2><ul class="problems">' + s.probs.map(function (p) { return '<li>' + vis(p) + '</li>'; }).join('') + '</ul>';
    h += '<h2>Transcript</h2>' + transcriptHtml(s);
    if (s.log) h += '<h2>Client log</h2><pre class="log">' + s.log.map(esc).join('\n') + '</pre>';
    var view = $('view');
    view.innerHTML = h;
    view.scrollTop = 0;
    // Bring the first divergence into view, unless it already is with the page at the top.
    var first = view.querySelector('.first-divergence');
    if (first && first.getBoundingClientRect().bottom > view.getBoundingClientRect().top + view.clientHeight * 0.8)
      first.scrollIntoView({ block: 'center' });
  }

  function focusEvent(conn, ev) {
    var rows = document.querySelectorAll('#conn-' + conn + ' .seq .row[data-last]');
    for (var i = 0; i < rows.length; i++) {
      var from = +rows[i].id.split('-')[2], to = +rows[i].getAttribute('data-last');
      if (ev >= from && ev <= to) {
        document.querySelectorAll('.seq .row.focus').forEach(function (r) { r.classList.remove('focus'); });
        rows[i].classList.add('focus');
        rows[i].scrollIntoView({ block: 'center', behavior: 'smooth' });
        return;
      }
    }
  }

  $('view').addEventListener('click', function (e) {
    var a = e.target.closest('a.jump, button.more');
    if (!a) return;
    if (a.classList.contains('more')) {
      var rest = a.nextElementSibling;
      rest.hidden = !rest.hidden;
      a.textContent = (rest.hidden ? '▸ ' : '▾ ') + a.getAttribute('data-label');
      return;
    }
    e.preventDefault();
    if (a.hasAttribute('data-ev')) {
      var p = a.getAttribute('data-ev').split(':');
      focusEvent(+p[0], +p[1]);
    } else if (a.hasAttribute('data-rule')) {
      var f = $('rule-' + a.getAttribute('data-rule'));
      if (f) f.scrollIntoView({ block: 'center', behavior: 'smooth' });
    } else if (a.hasAttribute('data-div')) {
      var d = document.querySelector('#view .first-divergence');
      if (d) d.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  });

  function route() {
    var id = idFromHash();
    var s = id ? byId.get(id) : null;
    current = s ? s.id : null;
    markSelected();
    if (s) {
      document.title = s.v + ' ' + s.id + ' · protoharness';
      renderScenario(s);
      var li = $('list').querySelector('li.sel');
      if (li && li.scrollIntoViewIfNeeded) li.scrollIntoViewIfNeeded();
    } else {
      renderSummary();
      if (id) $('view').insertAdjacentHTML('afterbegin', '<p class="divergence-box">No scenario <code>' + esc(id) + '</code> in this run.</p>');
    }
  }

  readQuery();
  setupFilters();
  renderHeader();
  renderList();
  route();
  window.addEventListener('hashchange', route);
  // Milliseconds from navigation to the first view drawn (for measuring large runs).
  document.documentElement.setAttribute('data-ready-ms', String(Math.round(performance.now())));
})();
