/**
 * The try-it page: one self-contained HTML file (no build step, no external assets) that
 * behaves like the phone — bubbles, buttons, recorded prompts played inline, a microphone
 * button (MediaRecorder) and a video upload. The chrome is in the respondent's language
 * with its `lang` and `dir` on <html>, and follows them when they pick another language.
 *
 * The script and the stylesheet are constants, so the Content-Security-Policy allows them by
 * their hashes (bot/web/security.ts); what differs per request (labels, pilot, limits) travels
 * in a JSON data block, which no policy runs.
 * @module
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Channels may not import the dashboard's html.ts (rooms.ts); the page needs only text and attribute escaping. */
const escapeText = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const TRYIT_STYLE = `
  :root { --bg:#f4f1ea; --me:#d9f0d3; --bot:#fff; --ink:#1d1d1b; --accent:#2f6f4f; --error:#8a1c12; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.45 system-ui, "Noto Sans", "Noto Sans Ethiopic", "Noto Naskh Arabic", "Vazirmatn", sans-serif; background:var(--bg); color:var(--ink); }
  header { padding:.6rem 1rem; background:var(--accent); color:#fff; display:flex; gap:.5rem; align-items:center; flex-wrap:wrap; }
  header h1 { font-size:1.05rem; margin:0; margin-inline-end:auto; }
  header button { background:transparent; color:#fff; border:1px solid #fff; border-radius:1rem; padding:.2rem .7rem; cursor:pointer; font:inherit; font-size:.9rem; }
  main { max-width:40rem; margin:0 auto; padding:1rem 1rem 9rem; display:flex; flex-direction:column; gap:.5rem; }
  .bubble { max-width:85%; padding:.55rem .8rem; border-radius:.8rem; white-space:pre-wrap; overflow-wrap:anywhere; unicode-bidi:plaintext; text-align:start; }
  .bubble:focus { outline:3px solid var(--accent); outline-offset:2px; }
  .bot { background:var(--bot); align-self:flex-start; box-shadow:0 1px 2px #0002; }
  .me { background:var(--me); align-self:flex-end; }
  .buttons { display:flex; flex-direction:column; gap:.3rem; margin-top:.5rem; }
  .row { display:flex; gap:.3rem; flex-wrap:wrap; }
  .row button { flex:1 1 auto; min-width:2.75rem; min-height:2.75rem; padding:.45rem .6rem; border:1px solid var(--accent); background:#fff; color:var(--accent); border-radius:.5rem; cursor:pointer; font:inherit; }
  .row button:disabled { opacity:.45; cursor:default; }
  .prompt { display:block; width:100%; margin-bottom:.4rem; }
  video.prompt { max-height:16rem; background:#000; }
  footer { position:fixed; bottom:0; inset-inline:0; background:#fff; border-top:1px solid #0002; padding:.5rem .7rem .7rem; }
  #status { min-height:1.4rem; margin:0 0 .3rem; font-size:.9rem; }
  #status.error { color:var(--error); font-weight:600; }
  .bar { display:flex; gap:.4rem; align-items:stretch; }
  .bar textarea { flex:1; min-width:0; font:inherit; padding:.5rem; border-radius:.5rem; border:1px solid #767676; resize:none; height:2.75rem; unicode-bidi:plaintext; }
  .bar button { min-width:2.75rem; padding:0 .8rem; border:0; border-radius:.5rem; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
  .bar button[aria-pressed=true] { background:#a3261a; }
  .bar .tool { background:#fff; color:var(--accent); border:1px solid var(--accent); }
  .visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
  .icon { width:1.4rem; height:1.4rem; fill:currentColor; vertical-align:middle; }
  [dir=rtl] .icon.flip { transform:scaleX(-1); }
  [hidden] { display:none !important; }
`;

export const TRYIT_SCRIPT = `
(() => {
  const cfg = JSON.parse(document.getElementById('tryit-config').textContent);
  const chat = document.getElementById('chat');
  const status = document.getElementById('status');
  const mic = document.getElementById('mic');
  const retry = document.getElementById('retry');
  const videoInput = document.getElementById('video-file');
  let L = cfg.labels[cfg.lang];
  const rand = () => Array.from(crypto.getRandomValues(new Uint8Array(18)), b => b.toString(16).padStart(2, '0')).join('');
  const tokenKey = 'stemmen-try-token' + (cfg.code ? ':' + cfg.code : '');
  let token = localStorage.getItem(tokenKey);
  if (!token) { token = rand(); localStorage.setItem(tokenKey, token); }
  const hint = cfg.lang;

  function applyLanguage(lng) {
    const l = cfg.labels[lng];
    if (!l || l === L && document.documentElement.lang === lng) return;
    L = l;
    const root = document.documentElement;
    root.lang = lng; root.dir = l.dir;
    document.title = l.t.title;
    document.querySelectorAll('[data-l]').forEach(e => { e.textContent = l.t[e.dataset.l]; });
    document.querySelectorAll('[data-la]').forEach(e => { e.setAttribute('aria-label', l.t[e.dataset.la]); });
    document.querySelectorAll('[data-lt]').forEach(e => { e.title = l.t[e.dataset.lt]; });
    document.querySelectorAll('[data-lp]').forEach(e => { e.placeholder = l.t[e.dataset.lp]; });
    localStorage.setItem('stemmen-try-lang', lng);
  }
  function say(key, isError) { status.textContent = key ? L.t[key] : ''; status.className = isError ? 'error' : ''; }

  function bubble(cls, text, dir, lang) {
    const d = document.createElement('div');
    d.className = 'bubble ' + cls; d.dir = dir || 'auto'; d.textContent = text;
    if (lang) d.lang = lang;
    chat.appendChild(d); d.scrollIntoView({ block: 'end' }); return d;
  }
  function show(m) {
    if (m.language) applyLanguage(m.language);
    const d = bubble('bot', m.text, m.dir, m.language);
    if (m.media) {
      const p = document.createElement(m.media.form === 'audio' ? 'audio' : 'video');
      p.className = 'prompt'; p.controls = true; p.preload = m.media.form === 'audio' ? 'auto' : 'metadata'; p.src = m.media.file;
      p.setAttribute('aria-label', m.media.form === 'audio' ? L.t.prompt_audio : L.t.prompt_video);
      d.prepend(p);
    }
    if (m.buttons) {
      const box = document.createElement('div'); box.className = 'buttons';
      for (const row of m.buttons) {
        const r = document.createElement('div'); r.className = 'row';
        for (const b of row) {
          const el = document.createElement('button'); el.type = 'button'; el.textContent = b.label; el.dir = 'auto'; el.dataset.value = b.data;
          el.onclick = () => { box.querySelectorAll('button').forEach(x => { x.disabled = true; }); bubble('me', b.label); post({ button: b.data }); };
          r.appendChild(el);
        }
        box.appendChild(r);
      }
      d.appendChild(box);
    }
    return d;
  }
  // Keyboard and screen-reader users land on each new question, as a sighted user's eye does.
  function showAll(messages) {
    let last = null;
    for (const m of messages) last = show(m);
    if (last) { last.tabIndex = -1; last.focus({ preventScroll: true }); last.scrollIntoView({ block: 'end' }); }
  }
  async function post(extra) {
    let res;
    try {
      res = await fetch('/try/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, messageId: rand(), languageHint: hint, ...extra }) });
    } catch { say('failed', true); return; }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) { say(res.status === 429 ? 'busy' : 'failed', true); return; }
    say('');
    showAll(data.messages || []);
  }

  // A recording stays here until the server has it: a failed send keeps it for "try again".
  let pending = null;
  async function upload() {
    const p = pending; if (!p) return;
    retry.hidden = true; say('sending');
    let res;
    try {
      const q = new URLSearchParams({ token, messageId: p.id, kind: p.kind, languageHint: hint });
      res = await fetch('/try/api/media?' + q, { method: 'POST', headers: { 'content-type': (p.blob.type || 'application/octet-stream').split(';')[0] }, body: p.blob });
    } catch { say('failed', true); retry.hidden = false; return; }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const known = res.status === 413 ? 'too_large' : data.error && L.t[data.error] ? data.error : null;
      if (known) { pending = null; say(known, true); return; }
      say(res.status === 429 ? 'busy' : 'failed', true); retry.hidden = false; return;
    }
    pending = null;
    bubble('me', p.kind === 'voice' ? L.t.voice_sent : L.t.video_sent);
    say('');
    showAll(data.messages || []);
  }
  function sendMedia(blob, kind) {
    if (!blob.size) { say('empty', true); return; }
    if (blob.size > cfg.maxBytes) { say('too_large', true); return; }
    pending = { blob, kind, id: rand() };
    upload();
  }
  retry.onclick = () => upload();

  let recorder = null; let timer = null;
  function micState(on) {
    mic.setAttribute('aria-pressed', on ? 'true' : 'false');
    mic.dataset.la = on ? 'stop_recording' : 'record';
    mic.setAttribute('aria-label', L.t[mic.dataset.la]);
    mic.querySelector('[data-l]').dataset.l = on ? 'stop_recording' : 'record';
    mic.querySelector('[data-l]').textContent = L.t[on ? 'stop_recording' : 'record'];
  }
  mic.onclick = async () => {
    if (recorder) { recorder.stop(); return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) { say('mic_missing', true); return; }
    let stream;
    try { stream = await navigator.mediaDevices.getUserMedia({ audio: true }); }
    catch (e) { say(e && (e.name === 'NotAllowedError' || e.name === 'SecurityError') ? 'mic_denied' : 'mic_missing', true); return; }
    const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find(t => MediaRecorder.isTypeSupported(t)) || '';
    const chunks = [];
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
    recorder.onstop = () => {
      clearTimeout(timer);
      stream.getTracks().forEach(t => t.stop());
      const blob = new Blob(chunks, { type: recorder.mimeType || type || 'audio/webm' });
      recorder = null; micState(false);
      sendMedia(blob, 'voice');
    };
    recorder.start(500);
    micState(true); say('recording');
    // Stopped (and sent) at the limit, a second early: the server refuses anything longer.
    timer = setTimeout(() => { if (recorder) { recorder.stop(); } }, Math.max(1, cfg.maxSeconds - 1) * 1000);
  };

  document.getElementById('video').onclick = () => videoInput.click();
  videoInput.onchange = () => {
    const f = videoInput.files && videoInput.files[0]; videoInput.value = '';
    if (!f) return;
    if (f.type && !f.type.startsWith('video/')) { say('not_video', true); return; }
    sendMedia(f, 'video');
  };

  document.getElementById('f').onsubmit = (e) => {
    e.preventDefault(); const t = document.getElementById('t'); const text = t.value; if (!text.trim()) return;
    bubble('me', text); t.value = ''; post({ text });
  };
  document.getElementById('t').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); document.getElementById('f').requestSubmit(); } });
  document.querySelectorAll('header [data-cmd]').forEach(b => { b.onclick = () => { bubble('me', b.textContent); post({ command: b.dataset.cmd }); }; });
  document.getElementById('reset').onclick = () => { localStorage.removeItem(tokenKey); location.reload(); };
  // Notes that come later (a recording that could not be used, a reminder) arrive by polling.
  async function poll() {
    const d = await fetch('/try/api/messages?token=' + token).then(r => r.json()).catch(() => ({}));
    if (d.messages && d.messages.length) showAll(d.messages);
  }
  setInterval(() => { if (!document.hidden) poll(); }, 4000);
  poll().then(() => post({ command: cfg.code ? 'start ' + cfg.code : 'start' }));
})();
`;

/** What the page's chrome says in one language (rendered server-side through i18next). */
export interface TryitLabels {
  dir: 'ltr' | 'rtl';
  t: Record<string, string>;
}

export interface TryitPageOptions {
  /** The chrome's language (one of `labels`' keys). */
  lang: string;
  /** Labels of every respondent language, so the chrome can follow the respondent's choice. */
  labels: Readonly<Record<string, TryitLabels>>;
  /** The pilot from `/try/<code>`, or null for the default pilot. */
  code: string | null;
  maxBytes: number;
  maxSeconds: number;
}

const COMMANDS = ['help', 'language', 'back', 'skip', 'stop', 'delete'] as const;

export function tryitPage(o: TryitPageOptions): string {
  const l = o.labels[o.lang]!;
  const t = (k: string) => escapeText(l.t[k] ?? k);
  const config = JSON.stringify({ lang: o.lang, code: o.code, maxBytes: o.maxBytes, maxSeconds: o.maxSeconds, labels: o.labels }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${escapeText(o.lang)}" dir="${l.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title data-l="title">${t('title')}</title>
<style>${TRYIT_STYLE}</style>
</head>
<body>
<header>
  <h1 data-l="title">${t('title')}</h1>
  <nav data-la="commands" aria-label="${t('commands')}">${COMMANDS.map((c) => `<button type="button" data-cmd="${c}" data-l="cmd_${c}">${t(`cmd_${c}`)}</button>`).join(' ')}
  <button type="button" id="reset" data-l="new_respondent" data-lt="new_respondent_title" title="${t('new_respondent_title')}">${t('new_respondent')}</button></nav>
</header>
<main id="chat" role="log" aria-live="polite" data-la="conversation" aria-label="${t('conversation')}"></main>
<footer>
  <p id="status" role="status" aria-live="polite"></p>
  <form id="f" class="bar">
    <button type="button" id="mic" class="tool" aria-pressed="false" data-la="record" aria-label="${t('record')}"><svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 15a3 3 0 0 0 3-3V6a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-2.1a7 7 0 0 0 6-6.9z"/></svg> <span class="visually-hidden" data-l="record">${t('record')}</span></button>
    <button type="button" id="video" class="tool" data-la="upload_video" aria-label="${t('upload_video')}"><svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 6h11a2 2 0 0 1 2 2v1.5l4-2.5v10l-4-2.5V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z"/></svg></button>
    <input type="file" id="video-file" accept="video/*" hidden>
    <textarea id="t" dir="auto" data-lp="placeholder" placeholder="${t('placeholder')}" data-la="message" aria-label="${t('message')}"></textarea>
    <button type="submit" data-la="send" aria-label="${t('send')}"><svg class="icon flip" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg></button>
    <button type="button" id="retry" hidden data-l="retry">${t('retry')}</button>
  </form>
</footer>
<script type="application/json" id="tryit-config">${config}</script>
<script>${TRYIT_SCRIPT}</script>
</body>
</html>`;
}

/** A rendering with English-only placeholder labels: what the app hashes for its policy (script and style are the same in every rendering). */
export const TRYIT_PAGE = tryitPage({ lang: 'en', labels: { en: { dir: 'ltr', t: {} } }, code: null, maxBytes: 1, maxSeconds: 1 });
