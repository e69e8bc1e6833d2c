// chatwire chat widget: the one script a site embeds.
//
//   <script src="https://chat.example/widget.js" data-account="1000" data-app-key="KEY"
//           data-skill="Sales" async></script>
//
// A classic script (not a module) so `document.currentScript` names its own tag: the chatwire
// server's address is taken from the tag's `src`, and the widget's modules are imported from
// there (chatwire serves them to any origin). The only global is `window.chatwire`, a handle
// with `open()` and `close()` and `ready` (a promise of the same).
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.chatwire) return; // Not from a <script> tag, or embedded twice.
  var base = new URL('.', script.src).href.replace(/\/$/, '');
  var cfg = {
    base: base,
    account: script.getAttribute('data-account') || '',
    appKey: script.getAttribute('data-app-key') || '',
    skill: script.getAttribute('data-skill') || undefined,
  };
  var handle = { open: function () {}, close: function () {} };
  window.chatwire = handle;
  if (!cfg.account || !cfg.appKey) {
    console.error('chatwire widget: the script tag needs data-account and data-app-key');
    return;
  }
  function start() {
    handle.ready = import(base + '/ui/widget/main.js').then(function (m) {
      var w = m.mount(cfg);
      handle.open = w.open;
      handle.close = w.close;
      return handle;
    });
    handle.ready.catch(function (e) {
      console.error('chatwire widget: could not load from ' + base + ': ' + e);
    });
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
