import type { ApiRouter } from '../app.ts'

/** Placeholder page until the web interface lands (issue #4): links the API so a user sees the node is up. */
const PLACEHOLDER = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Wissensnetz</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
input,button{font:inherit;padding:.4rem .6rem}input{width:70%}li{margin:.8rem 0}mark{background:#ffe58a}small{color:#555}</style></head>
<body><h1>Wissensnetz</h1><p>Der Knoten läuft. Die Weboberfläche folgt; bis dahin können Sie hier suchen.</p>
<form id="f" role="search"><label for="q">Suche</label><br><input id="q" name="q" autofocus> <button>Suchen</button></form>
<p id="s" role="status"></p><ol id="r"></ol>
<p><small>API: <a href="/api/status">/api/status</a> · POST /api/search · /api/sources · /api/ingest/events</small></p>
<script>
const esc=(s)=>s.replace(/[&<>"]/g,(c)=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function mark(t,h){let o='',p=0;for(const [a,b] of h){o+=esc(t.slice(p,a))+'<mark>'+esc(t.slice(a,b))+'</mark>';p=b}return o+esc(t.slice(p))}
document.getElementById('f').onsubmit=async(e)=>{e.preventDefault();const q=document.getElementById('q').value;
const r=await fetch('/api/search',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({query:q})});
const j=await r.json();const s=document.getElementById('s');const l=document.getElementById('r');l.innerHTML='';
if(!r.ok){s.textContent=j.error?.message??'Fehler';return}s.textContent=j.hits.length+' Treffer ('+j.mode+', '+j.tookMs+' ms)';
for(const h of j.hits){const li=document.createElement('li');li.innerHTML='<strong>'+esc(h.title)+'</strong><br><small>'+esc(h.source.name+' · '+h.path+(h.page?' · S. '+h.page:''))+'</small><br>'+mark(h.snippet,h.highlights);l.appendChild(li)}};
</script></body></html>`

export function uiRoutes(router: ApiRouter): void {
  router.get('/', (ctx) => {
    ctx.type = 'html'
    ctx.body = PLACEHOLDER
  })
}
