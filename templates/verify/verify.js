// Computes the file's SHA-256 on the device (WebCrypto) and opens /verify/<sha256>: the file itself
// never leaves the machine. Without WebCrypto (or JavaScript) the form posts the file instead.
(() => {
  const form = document.getElementById('verify-form');
  const input = document.getElementById('verify-file');
  const progress = document.getElementById('verify-progress');
  if (!form || !input || !window.crypto?.subtle) return;

  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

  const check = async (file) => {
    if (progress) progress.textContent = form.getAttribute('data-computing') ?? '';
    const digest = await window.crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    const lang = form.getAttribute('data-lang');
    window.location.assign(`${form.getAttribute('data-base')}/${hex(digest)}${lang ? `?lang=${lang}` : ''}`);
  };

  form.addEventListener('submit', (event) => {
    const file = input.files?.[0];
    if (!file) return;
    event.preventDefault();
    check(file);
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) check(file);
  });
  form.addEventListener('dragover', (event) => {
    event.preventDefault();
    form.classList.add('verify__drop--over');
  });
  form.addEventListener('dragleave', () => form.classList.remove('verify__drop--over'));
  form.addEventListener('drop', (event) => {
    event.preventDefault();
    form.classList.remove('verify__drop--over');
    const file = event.dataTransfer?.files?.[0];
    if (file) check(file);
  });
})();
