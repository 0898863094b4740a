// Tells the server that a person sees the page: once it has been visible for a second (a link
// scanner's fetch runs no script; a prefetch or a background tab is not visible). Same origin only.
(() => {
  const url = document.body.dataset.viewReport;
  if (!url) return;
  let timer = null;
  let sent = false;
  const report = () => {
    if (sent || document.visibilityState !== 'visible') return;
    sent = true;
    fetch(url, { method: 'POST', credentials: 'same-origin', keepalive: true }).catch(() => {
      sent = false;
    });
  };
  const watch = () => {
    clearTimeout(timer);
    if (document.visibilityState === 'visible') timer = setTimeout(report, 1000);
  };
  document.addEventListener('visibilitychange', watch);
  watch();
})();
