(function(C){
var d=document,w=window,s=d.currentScript,P='[Online Contact] ';if(!s)return;
var O=new URL(s.src).origin,S=(C&&C.slug)||s.getAttribute('data-service'),L=s.getAttribute('data-locale'),
U=s.getAttribute('data-user-id'),H=s.getAttribute('data-user-hash');
if(!S){console.error(P+'data-service is missing on the widget script tag');return}
if(C&&!C.on){console.info(P+'chat is off for "'+S+'"');return}
var h=location.hostname;
if(C&&C.domains.length&&!C.domains.some(function(p){return p.indexOf('*.')==0?(h==p.slice(2)||h.slice(1-p.length)==p.slice(1)):h==p})){
console.error(P+'this site ('+h+') is not among the allowed domains of "'+S+'"; the chat stays off');return}
var K=(C&&C.look)||{},X=K.position=='left'?'left':'right',G=/^#[0-9a-f]{6}$/.test(K.color)?K.color:'#2456e8',M=K.label||{},T=M[(L||navigator.language||'').slice(0,2).toLowerCase()]||M[''];
var b=d.createElement('button'),n=d.createElement('span'),f,open=0,unread=0;
b.type='button';b.setAttribute('data-testid','chat-icon');b.setAttribute('aria-label','Chat');
b.style.cssText='position:fixed;'+X+':20px;bottom:20px;min-width:60px;height:60px;border-radius:30px;border:0;background:'+G+';color:#fff;cursor:pointer;z-index:2147483646;box-shadow:0 8px 24px rgba(20,30,60,.3);display:flex;align-items:center;justify-content:center;gap:8px;padding:0 16px;font:600 15px/1 sans-serif';
b.innerHTML='<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
if(T){var t=d.createElement('span');t.textContent=T;t.setAttribute('data-testid','chat-label');b.appendChild(t);b.setAttribute('aria-label',T)}
n.setAttribute('data-testid','chat-badge');
n.style.cssText='position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#c62828;color:#fff;font:700 12px/20px sans-serif;display:none';
b.appendChild(n);
function paint(){n.textContent=unread;n.style.display=unread?'block':'none'}
function show(v){open=v;f.style.display=v?'block':'none';if(v){unread=0;paint();f.contentWindow.postMessage({oc:'open'},O)}}
b.onclick=function(){
if(f)return show(!open);
var q='?host='+encodeURIComponent(location.origin)+'&page='+encodeURIComponent(location.href);if(L)q+='&locale='+encodeURIComponent(L);
if(U)q+='&uid='+encodeURIComponent(U)+'&uhash='+encodeURIComponent(H||'');
f=d.createElement('iframe');f.src=O+'/widget/'+encodeURIComponent(S)+q;f.title='Chat';f.setAttribute('data-testid','chat-frame');
f.style.cssText='position:fixed;'+X+':20px;bottom:92px;width:380px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 112px);border:0;border-radius:14px;box-shadow:0 16px 48px rgba(20,30,60,.22);z-index:2147483647;background:transparent';
d.body.appendChild(f);open=1;unread=0;paint()};
w.addEventListener('message',function(e){
if(!f||e.origin!==O||e.source!==f.contentWindow)return;var m=e.data||{};
if(m.oc=='close')show(0);else if(m.oc=='unread'&&!open){unread++;paint()}else if(m.oc=='refused')console.error(P+m.message)});
function go(){d.body.appendChild(b)}
d.body?go():d.addEventListener('DOMContentLoaded',go)
})(
