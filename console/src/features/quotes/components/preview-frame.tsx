import { useEffect, useRef } from 'react';

/**
 * A rendered HTML document in a sandboxed frame (no scripts, no forms, no navigation of the
 * console). The console's policy (`style-src 'self'`) also governs a `srcdoc` frame, so the
 * document's `<style>` blocks are taken out of the markup and given to the frame as a constructed
 * stylesheet (CSSOM), which that policy does not restrict: the page looks as the customer sees it
 * and the console keeps its strict policy.
 */
export function PreviewFrame({ html, title }: { html: string; title: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const css: string[] = [];
  const markup = html.replace(/<style\b[^>]*>([\s\S]*?)<\/style>/gi, (_, rules: string) => {
    css.push(rules);
    return '';
  });
  const styles = css.join('\n');

  useEffect(() => {
    const frame = ref.current;
    if (!frame) return;
    const apply = () => {
      const doc = frame.contentDocument;
      const view = frame.contentWindow as (Window & typeof globalThis) | null;
      if (!doc || !view) return;
      const sheet = new view.CSSStyleSheet();
      sheet.replaceSync(styles);
      doc.adoptedStyleSheets = [sheet];
    };
    frame.addEventListener('load', apply);
    apply();
    return () => frame.removeEventListener('load', apply);
  }, [styles]);

  return (
    <iframe
      ref={ref}
      className="preview-frame"
      title={title}
      // Same origin only so that the console can hand the frame its stylesheet; no scripts run in it.
      sandbox="allow-same-origin"
      srcDoc={markup}
    />
  );
}
