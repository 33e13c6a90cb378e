// The alarm desk's page script: renders the live snapshot the gateway streams (server-sent events, /api/stream),
// keeps the waiting times ticking, plays a sound per priority until every alarm is taken, and posts the operator's
// actions with the antiforgery token. No library, no CDN: the desk works with the city offline.
(() => {
  'use strict';
  const settings = JSON.parse(document.getElementById('words').textContent);
  const w = key => settings.words[key] || key;
  const csrf = document.querySelector('meta[name=csrf]').content;
  const lists = { alarms: document.getElementById('queue'), services: document.getElementById('services'), closed: document.getElementById('closed') };
  const banner = document.getElementById('banner');
  const figures = document.getElementById('figures');
  const connection = document.getElementById('connection');
  const soundButton = document.getElementById('sound');
  let snapshot = null;
  let clockOffset = 0; // server clock - this browser's clock, so waiting times use the gateway's time
  const rendered = new Map(); // event id -> JSON it was last drawn from (a card being typed into is not redrawn needlessly)

  const serverNow = () => Date.now() + clockOffset;
  const pad = n => String(n).padStart(2, '0');
  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return s >= 60 ? `${Math.floor(s / 60)}:${pad(s % 60)}` : `${s}s`;
  }
  function clock(ms) {
    const d = new Date(ms);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function typeLabel(a) {
    let label = w('type.' + a.type);
    if (a.service) label += ' · ' + w('svc.' + a.service);
    return label;
  }

  async function act(id, action, fields) {
    const body = new URLSearchParams({ __RequestVerificationToken: csrf, ...(fields || {}) });
    const response = await fetch(`/api/alarms/${encodeURIComponent(id)}/${action}`, { method: 'POST', body, credentials: 'same-origin' });
    let answer = {};
    try { answer = await response.json(); } catch { answer = {}; }
    if (!response.ok) {
      connection.textContent = answer.reason || `HTTP ${response.status}`;
      connection.className = 'problem';
    } else {
      connection.textContent = '';
    }
  }

  function actions(a, kind) {
    const box = el('div', 'actions');
    if (a.state === 'open') {
      const take = el('button', 'take', kind === 'service' ? w('accept') : w('take'));
      take.type = 'button';
      take.dataset.action = 'take';
      take.addEventListener('click', () => act(a.eventId, 'take'));
      box.append(take);
      return box;
    }
    if (a.state === 'closed') return box;
    const note = el('input', 'note-text');
    note.placeholder = w('note');
    note.maxLength = 1000;
    const addNote = el('button', 'add-note', w('add_note'));
    addNote.type = 'button';
    addNote.addEventListener('click', () => { if (note.value.trim()) act(a.eventId, 'note', { text: note.value }).then(() => { note.value = ''; }); });
    box.append(note, addNote);
    if (kind === 'service') {
      const provider = el('select', 'provider');
      for (const p of settings.providers) provider.append(new Option(p, p, false, p === a.provider));
      const assign = el('button', 'assign', w('assign'));
      assign.type = 'button';
      assign.addEventListener('click', () => act(a.eventId, 'assign', { provider: provider.value }));
      const done = el('button', 'done', w('done'));
      done.type = 'button';
      done.addEventListener('click', () => act(a.eventId, 'close', { outcome: 'done' }));
      box.append(provider, assign, done);
    } else {
      const outcome = el('select', 'outcome');
      for (const o of settings.outcomes) outcome.append(new Option(w('outcome.' + o), o));
      const close = el('button', 'close', w('close'));
      close.type = 'button';
      close.addEventListener('click', () => act(a.eventId, 'close', { outcome: outcome.value }));
      box.append(outcome, close);
    }
    return box;
  }

  function card(a, kind) {
    const li = el('li', `card p${a.priority} ${a.state}`);
    li.dataset.id = a.eventId;
    li.dataset.state = a.state;
    li.dataset.received = a.received;
    const head = el('div', 'head');
    head.append(el('span', 'type', typeLabel(a)), el('span', 'elder', a.elderName || w('unknown_elder')));
    if (a.state !== 'closed') head.append(el('span', 'wait'));
    li.append(head);
    const facts = el('div', 'facts');
    if (a.elderAddress) facts.append(el('span', 'address', `${w('address')}: ${a.elderAddress}`));
    facts.append(el('span', 'device', `${w('device')}: ${a.device}`));
    if (a.cardStatus) facts.append(el('span', `card-status ${a.cardStatus}`, w('card.' + a.cardStatus)));
    if (a.battery !== null && a.battery !== undefined) facts.append(el('span', 'battery', `${w('battery')}: ${a.battery}%`));
    if (a.latitudeMicrodegrees !== null && a.latitudeMicrodegrees !== undefined) {
      const lat = (a.latitudeMicrodegrees / 1e6).toFixed(6), lon = (a.longitudeMicrodegrees / 1e6).toFixed(6);
      const position = el('span', 'position', `${w('position')}: ${lat}, ${lon} `);
      const map = el('a', 'map', w('map'));
      map.href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
      map.target = '_blank';
      map.rel = 'noopener noreferrer';
      position.append(map);
      facts.append(position);
    }
    if (a.elderContacts) facts.append(el('span', 'contacts', `${w('contacts')}: ${a.elderContacts}`));
    li.append(facts);
    const status = el('div', 'status');
    status.append(el('span', 'state', w((a.kind === 'service' && a.state !== 'escalated' ? 'state.service.' : 'state.') + a.state)));
    if (a.takenBy) status.append(el('span', 'taken', `${w('taken_by')}: ${a.takenBy} (${clock(a.takenAt)})`));
    if (a.state === 'escalated') status.append(el('span', 'escalated-label', w('escalated')));
    if (a.platformAckAt) status.append(el('span', 'platform-ack', `${w('platform_ack')} (${a.platformAckBy})`));
    if (a.provider) status.append(el('span', 'provider-name', `${w('provider')}: ${a.provider}`));
    if (a.outcome) status.append(el('span', 'outcome-label', `${w('outcome')}: ${w('outcome.' + a.outcome)}`));
    li.append(status);
    if (a.notes && a.notes.length) {
      const notes = el('ul', 'notes');
      for (const n of a.notes) notes.append(el('li', '', `${clock(n.at)} ${n.by}: ${n.text === 'cancelled_by_elder' ? w('outcome.cancelled') : n.text}`));
      li.append(notes);
    }
    li.append(actions(a, kind));
    return li;
  }

  function renderList(list, items, kind) {
    const keep = new Set(items.map(a => a.eventId));
    for (const child of [...list.children]) {
      if (!keep.has(child.dataset.id)) { rendered.delete(kind + child.dataset.id); child.remove(); }
    }
    let previous = null;
    for (const a of items) {
      const json = JSON.stringify(a);
      let node = list.querySelector(`li[data-id="${CSS.escape(a.eventId)}"]`);
      if (!node || rendered.get(kind + a.eventId) !== json) {
        const fresh = card(a, kind);
        if (node) node.replaceWith(fresh); else list.append(fresh);
        node = fresh;
        rendered.set(kind + a.eventId, json);
      }
      const expected = previous ? previous.nextSibling : list.firstChild;
      if (expected !== node) list.insertBefore(node, expected);
      previous = node;
    }
    if (!items.length) {
      if (!list.querySelector('.empty')) list.append(el('li', 'empty', w('none')));
    } else {
      const empty = list.querySelector('.empty');
      if (empty) empty.remove();
    }
  }

  function renderBanner() {
    const link = snapshot.link;
    banner.hidden = link.up;
    banner.textContent = link.up ? '' :
      `${w('link_down')} · ${w('held')}: ${link.heldAlarms}` + (link.oldestHeldReceived ? ` · ${w('oldest')} ${clock(link.oldestHeldReceived)}` : '');
    const f = snapshot.figures;
    const ms = v => (v === null || v === undefined ? '-' : duration(v));
    figures.textContent = `${w('today')}: ${f.alarmsToday} · ${w('median')}: ${ms(f.medianToTakeMilliseconds)} · ${w('worst')}: ${ms(f.worstToTakeMilliseconds)}`
      + ` · ${w('within60')}: ${f.takenWithin60SecondsPercent === null ? '-' : f.takenWithin60SecondsPercent + '%'}`;
    document.body.dataset.link = link.up ? 'up' : 'down';
  }

  function tick() {
    const now = serverNow();
    for (const li of document.querySelectorAll('#queue li.card, #services li.card')) {
      const waited = now - Number(li.dataset.received);
      const wait = li.querySelector('.wait');
      if (wait) wait.textContent = `${w('waiting')} ${duration(waited)}`;
      const untaken = li.dataset.state === 'open';
      li.classList.toggle('amber', untaken && waited >= settings.amberSeconds * 1000 && waited < settings.redSeconds * 1000);
      li.classList.toggle('red', untaken && waited >= settings.redSeconds * 1000);
    }
  }

  // Sound: a distinct pattern per priority, repeated until every alarm is taken; the supervisor's for an escalated one.
  // Generated with WebAudio (no sound files). A browser that blocks autoplay keeps the context suspended: the button shows.
  const SOUNDS = {
    1: [[880, 0.15], [0, 0.08], [880, 0.15], [0, 0.08], [880, 0.15]],
    2: [[660, 0.2], [0, 0.1], [660, 0.2]],
    3: [[520, 0.3]],
    4: [[440, 0.3]],
    5: [[400, 0.3]],
    escalated: [[330, 0.25], [0, 0.05], [990, 0.25], [0, 0.05], [330, 0.25], [0, 0.05], [990, 0.25]],
    service: [[600, 0.12]],
  };
  let audio = null;
  function ensureAudio() {
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      audio = new Context();
      audio.onstatechange = updateSoundButton;
    }
    return audio;
  }
  function play(pattern) {
    const ctx = ensureAudio();
    if (!ctx || ctx.state !== 'running') return false;
    let t = ctx.currentTime;
    for (const [frequency, seconds] of pattern) {
      if (frequency > 0) {
        const osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = frequency;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(ctx.destination);
        osc.start(t);
        osc.stop(t + seconds);
      }
      t += seconds;
    }
    return true;
  }
  function soundDue() {
    if (!snapshot) return '';
    if (snapshot.alarms.some(a => a.state === 'escalated')) return 'escalated';
    const waiting = snapshot.alarms.filter(a => a.state === 'open').map(a => a.priority);
    if (waiting.length) return String(Math.min(...waiting));
    return snapshot.services.some(a => a.state === 'open') ? 'service' : '';
  }
  function updateSoundButton() {
    const ctx = ensureAudio();
    const running = ctx && ctx.state === 'running';
    soundButton.hidden = !!running;
    document.body.dataset.audio = running ? 'running' : 'blocked';
  }
  soundButton.addEventListener('click', () => {
    const ctx = ensureAudio();
    if (ctx) ctx.resume().then(updateSoundButton);
  });
  setInterval(() => {
    const due = soundDue();
    document.body.dataset.sounding = due;
    if (due) play(SOUNDS[due] || SOUNDS[5]);
    updateSoundButton();
  }, 2500);

  function onSnapshot(data) {
    snapshot = JSON.parse(data);
    clockOffset = snapshot.now - Date.now();
    renderBanner();
    renderList(lists.alarms, snapshot.alarms, 'alarm');
    renderList(lists.services, snapshot.services, 'service');
    renderList(lists.closed, snapshot.closed, 'closed');
    tick();
    document.body.dataset.sounding = soundDue();
    document.body.dataset.version = String(snapshot.version);
  }

  // The live stream. A desk that is not live must say so: the "connection lost" banner shows while it reconnects (the
  // browser retries by itself while the gateway is away); an ended session sends the page to the login form.
  const lost = document.getElementById('connection-lost');
  function connect() {
    const stream = new EventSource('/api/stream');
    stream.onmessage = e => onSnapshot(e.data);
    stream.onopen = () => { document.body.dataset.stream = 'open'; lost.hidden = true; };
    stream.onerror = () => {
      document.body.dataset.stream = 'retrying';
      lost.hidden = false;
      fetch('/api/snapshot', { credentials: 'same-origin' })
        .then(r => { if (r.status === 401) location.href = '/login'; })
        .catch(() => {});
      if (stream.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
  }
  connect();
  setInterval(tick, 1000);
  updateSoundButton();
})();
