// k8sm dashboard: polls /api/dashboard every second and redraws. Plain JS, no libraries.
(function () {
  'use strict';
  var HISTORY = 180; // seconds, as the scheduler keeps them

  function time(ms) { return new Date(ms).toISOString().substring(11, 19); }
  function el(id) { return document.getElementById(id); }
  function text(id, v) { el(id).textContent = v; }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  function rows(tableId, items, cells) {
    el(tableId).querySelector('tbody').innerHTML = items.map(function (it) {
      return '<tr>' + cells(it).map(function (c) { return '<td>' + c + '</td>'; }).join('') + '</tr>';
    }).join('');
  }
  function bar(used, free) {
    var total = used + free, pct = total > 0 ? Math.round(100 * used / total) : 0;
    return '<span class="bar" title="' + pct + '% used"><i style="width:' + pct + '%"></i></span> ' +
      used.toFixed(2) + ' / ' + free.toFixed(2);
  }
  function chart(id, points) {
    var svg = el(id), w = 400, h = 140, max = 0;
    points.forEach(function (p) { max = Math.max(max, p); });
    max = max > 0 ? max : 1;
    var pts = points.map(function (p, i) {
      var x = points.length > 1 ? i * w / (HISTORY - 1) : 0;
      return x.toFixed(1) + ',' + (h - 12 - (h - 24) * p / max).toFixed(1);
    }).join(' ');
    svg.innerHTML = '<text x="4" y="12">max ' + max.toFixed(2) + '</text>' +
      '<text x="4" y="' + (h - 2) + '">0</text><polyline points="' + pts + '"></polyline>';
  }

  function render(d) {
    var st = el('state');
    st.textContent = d.state;
    st.className = 'state ' + d.state;
    text('updated', 'updated ' + time(Date.now()));
    if (!d.pods) { return; }
    ['pending', 'launching', 'running', 'finished'].forEach(function (s) { text('pods-' + s, d.pods[s]); });
    text('offers-held', d.offersHeld);
    text('agents-count', d.agents.length);
    text('queues', 'queues: ' + Object.keys(d.queues).map(function (q) { return q + ' ' + d.queues[q]; }).join(', '));
    text('pending-total', d.pendingTotal + ' pods');
    rows('pending', d.pending, function (p) {
      return [esc(p.podKey), esc(p.queue), p.failures, '<span class="reason">' + esc(p.reason) + '</span>'];
    });
    rows('agents', d.agents, function (a) {
      return [esc(a.id), esc(a.host), bar(a.cpusUsed, a.cpusFree), bar(a.memUsed, a.memFree), a.tasks, a.offers];
    });
    rows('events', d.events.slice(0, 50), function (e) {
      return [time(e.timestampMs), esc(e.type), esc(e.podKey), esc(e.message)];
    });
    var counts = d.deadLettersByTopic;
    text('dead-letter-counts', Object.keys(counts).map(function (t) { return t + ': ' + counts[t]; }).join(', ') || 'none');
    rows('dead-letters', d.deadLetters, function (l) {
      return [esc(l.topic), l.partition + '/' + l.offset, esc(l.application), esc(l.reason)];
    });
    var h = d.history || [];
    chart('chart-launches', h.map(function (x) { return x.launches; }));
    chart('chart-latency', h.map(function (x) { return x.meanRunningSeconds; }));
  }

  function poll() {
    fetch('/api/dashboard', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(render)
      .catch(function () { el('state').textContent = 'unreachable'; el('state').className = 'state ERROR'; })
      .then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
