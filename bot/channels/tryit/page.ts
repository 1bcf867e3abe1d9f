/**
 * The try-it page: one self-contained HTML file (no build step, no external assets).
 * Each bubble carries the `dir` the server computed, so Arabic and Farsi read right-to-left
 * and Tigrinya renders in Ge'ez with whatever Ethiopic font the system has.
 * @module
 */
export const TRYIT_PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stemmen · try it</title>
<style>
  :root { --bg:#f4f1ea; --me:#d9f0d3; --bot:#fff; --ink:#1d1d1b; --accent:#2f6f4f; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.45 system-ui, "Noto Sans", "Noto Sans Ethiopic", "Noto Naskh Arabic", "Vazirmatn", sans-serif; background:var(--bg); color:var(--ink); }
  header { padding:.6rem 1rem; background:var(--accent); color:#fff; display:flex; gap:.5rem; align-items:center; flex-wrap:wrap; }
  header h1 { font-size:1.05rem; margin:0 auto 0 0; }
  header button { background:transparent; color:#fff; border:1px solid #fff8; border-radius:1rem; padding:.2rem .7rem; cursor:pointer; }
  main { max-width:40rem; margin:0 auto; padding:1rem 1rem 6rem; display:flex; flex-direction:column; gap:.5rem; }
  .bubble { max-width:85%; padding:.55rem .8rem; border-radius:.8rem; white-space:pre-wrap; overflow-wrap:anywhere; unicode-bidi:plaintext; }
  .bot { background:var(--bot); align-self:flex-start; box-shadow:0 1px 2px #0002; }
  .me { background:var(--me); align-self:flex-end; }
  .bubble[dir=rtl] { text-align:right; }
  .buttons { display:flex; flex-direction:column; gap:.3rem; margin-top:.5rem; }
  .row { display:flex; gap:.3rem; flex-wrap:wrap; }
  .row button { flex:1 1 auto; min-width:2.6rem; padding:.45rem .6rem; border:1px solid var(--accent); background:#fff; color:var(--accent); border-radius:.5rem; cursor:pointer; font:inherit; }
  .row button:disabled { opacity:.45; cursor:default; }
  .media { font-size:.85rem; opacity:.75; }
  form { position:fixed; bottom:0; left:0; right:0; display:flex; gap:.5rem; padding:.7rem; background:#fff; border-top:1px solid #0002; }
  form textarea { flex:1; font:inherit; padding:.5rem; border-radius:.5rem; border:1px solid #0003; resize:none; height:2.6rem; unicode-bidi:plaintext; }
  form button { padding:0 1.1rem; border:0; border-radius:.5rem; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
</style>
</head>
<body>
<header>
  <h1>stemmen · try it</h1>
  <button data-cmd="help">help</button><button data-cmd="language">language</button>
  <button data-cmd="back">back</button><button data-cmd="skip">skip</button>
  <button data-cmd="stop">stop</button><button data-cmd="delete">delete</button>
  <button id="reset" title="Start as a new respondent">new respondent</button>
</header>
<main id="chat" aria-live="polite"></main>
<form id="f"><textarea id="t" dir="auto" placeholder="…" aria-label="message"></textarea><button>➤</button></form>
<script>
(() => {
  const chat = document.getElementById('chat');
  const rand = () => Array.from(crypto.getRandomValues(new Uint8Array(18)), b => b.toString(16).padStart(2, '0')).join('');
  let token = localStorage.getItem('stemmen-try-token');
  if (!token) { token = rand(); localStorage.setItem('stemmen-try-token', token); }
  const hint = (new URLSearchParams(location.search).get('lang')) || navigator.language || '';

  function bubble(cls, text, dir) {
    const d = document.createElement('div');
    d.className = 'bubble ' + cls; d.dir = dir || 'auto'; d.textContent = text;
    chat.appendChild(d); d.scrollIntoView({ block: 'end' }); return d;
  }
  function show(m) {
    const d = bubble('bot', m.text, m.dir);
    d.lang = m.language;
    if (m.media) { const p = document.createElement(m.media.form === 'audio' ? 'audio' : 'video'); p.className = 'media'; p.controls = true; p.preload = 'none'; p.src = m.media.file; d.prepend(p); }
    if (m.buttons) {
      const box = document.createElement('div'); box.className = 'buttons';
      for (const row of m.buttons) {
        const r = document.createElement('div'); r.className = 'row';
        for (const b of row) {
          const el = document.createElement('button'); el.textContent = b.label; el.dir = 'auto';
          el.onclick = () => { box.querySelectorAll('button').forEach(x => x.disabled = true); bubble('me', b.label); post({ button: b.data }); };
          r.appendChild(el);
        }
        box.appendChild(r);
      }
      d.appendChild(box);
    }
  }
  async function post(extra) {
    const res = await fetch('/try/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, messageId: rand(), languageHint: hint, ...extra }) });
    const data = await res.json();
    if (!res.ok) { bubble('bot', '⚠ ' + (data.error || res.status)); return; }
    data.messages.forEach(show);
  }
  document.getElementById('f').onsubmit = (e) => {
    e.preventDefault(); const t = document.getElementById('t'); const text = t.value; if (!text.trim()) return;
    bubble('me', text); t.value = ''; post({ text });
  };
  document.getElementById('t').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); document.getElementById('f').requestSubmit(); } });
  document.querySelectorAll('header [data-cmd]').forEach(b => b.onclick = () => { bubble('me', '/' + b.dataset.cmd); post({ command: b.dataset.cmd }); });
  document.getElementById('reset').onclick = () => { localStorage.removeItem('stemmen-try-token'); location.reload(); };
  fetch('/try/api/messages?token=' + token).then(r => r.json()).then(d => (d.messages || []).forEach(show));
  post({ command: 'start' });
})();
</script>
</body>
</html>`;
