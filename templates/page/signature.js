/*
 * The quote page's only script, inlined after signature_pad's UMD build (which defines
 * window.SignaturePad). Everything else on the page is plain HTML that works without it: this only
 * adds the optional drawn signature to the sign form.
 *
 * The rule for the drawing: a pad nobody drew on, or one that was cleared after drawing, sends no
 * `signature` field at all (the hidden input stays disabled), so the server records a typed
 * signature. Only a pad with strokes on it sends a PNG data URL.
 */
(() => {
  const form = document.getElementById('sign-form');
  const SignaturePad = window.SignaturePad;
  if (!form || typeof SignaturePad !== 'function') return;
  const box = form.querySelector('[data-pad]');
  const canvas = form.querySelector('[data-pad] canvas');
  const input = form.querySelector('input[name="signature"]');
  const clear = form.querySelector('[data-pad-clear]');
  const status = form.querySelector('[data-pad-status]');
  if (!box || !canvas || !input || !clear || !status) return;

  // The exported image is at most this wide: a phone's 3x pixel ratio would otherwise produce a
  // PNG far larger than the signature needs (and than the server accepts).
  const MAX_EXPORT_WIDTH = 800;

  box.hidden = false;
  const pad = new SignaturePad(canvas, { penColor: '#1d232b', backgroundColor: 'rgb(255, 255, 255)' });

  /*
   * The canvas' drawing buffer must match its displayed size times the pixel ratio, or strokes land
   * away from the pointer. Inside a closed <details> it has no size yet: the toggle handler calls
   * this again once it is shown. Strokes survive a resize (redrawn from their points).
   */
  function resize() {
    const width = canvas.offsetWidth;
    const height = canvas.offsetHeight;
    if (width === 0 || height === 0) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    if (canvas.width === Math.round(width * ratio) && canvas.height === Math.round(height * ratio)) return;
    const strokes = pad.toData();
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.getContext('2d').scale(ratio, ratio);
    pad.clear();
    if (strokes.length > 0) pad.fromData(strokes);
  }

  function exportPng() {
    const scale = Math.min(1, MAX_EXPORT_WIDTH / canvas.width);
    const out = document.createElement('canvas');
    out.width = Math.max(1, Math.round(canvas.width * scale));
    out.height = Math.max(1, Math.round(canvas.height * scale));
    const context = out.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, out.width, out.height);
    context.drawImage(canvas, 0, 0, out.width, out.height);
    return out.toDataURL('image/png');
  }

  resize();
  window.addEventListener('resize', resize);
  const details = form.closest('details');
  if (details) details.addEventListener('toggle', resize);

  clear.addEventListener('click', () => {
    pad.clear();
    status.textContent = status.getAttribute('data-cleared') || '';
  });
  pad.addEventListener('beginStroke', () => {
    status.textContent = '';
  });

  form.addEventListener('submit', () => {
    if (pad.isEmpty()) {
      input.value = '';
      input.disabled = true;
    } else {
      input.value = exportPng();
      input.disabled = false;
    }
  });
})();
