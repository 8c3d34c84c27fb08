// The ONE place where message HTML is rendered. The API has sanitized it (nh3); this component still
// (1) strips anything active it may have missed (scripts, frames, forms, event handlers, javascript: URLs), and
// (2) shows the result in a sandboxed iframe (no allow-scripts: nothing in it can run) through `srcdoc`,
// with a Content-Security-Policy that only lets images and inline styles load. Nothing reaches the page's DOM.
import { useCallback, useMemo, useRef, useState } from 'react';

const DROP_ELEMENTS = [
  'script',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'portal',
  'base',
  'meta',
  'link',
  'style',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'svg',
  'math',
];
const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'cite', 'longdesc'];
const SAFE_URL = /^(https?:|mailto:|tel:|cid:|#|\/|[^:]*$)/i;
const SAFE_IMAGE_DATA = /^data:image\/(png|gif|jpe?g|webp);base64,/i;

/** Removes what could run or navigate on its own; keeps text, layout, links and images. */
export function cleanEmailHtml(html: string): string {
  if (typeof DOMParser === 'undefined') return '';
  // DOMParser documents are inert: nothing in them loads or runs while we clean.
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll(DROP_ELEMENTS.join(',')).forEach((el) => el.remove());
  doc.querySelectorAll('*').forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\u0000-\u0020]/g, '');
      if (name.startsWith('on') || name === 'srcdoc' || name === 'srcset' || name === 'formaction') {
        el.removeAttribute(attr.name);
      } else if (URL_ATTRS.includes(name)) {
        const imageData = name === 'src' && el.tagName === 'IMG' && SAFE_IMAGE_DATA.test(value);
        if (!imageData && !SAFE_URL.test(value)) el.removeAttribute(attr.name);
      } else if (name === 'style' && /expression\s*\(|javascript:|url\s*\(/i.test(attr.value)) {
        el.removeAttribute(attr.name);
      }
    }
    if (el.tagName === 'A') {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  });
  return doc.body ? doc.body.innerHTML : '';
}

const CSP = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; font-src https: data:";
const FRAME_STYLE =
  'html,body{margin:0;padding:0;background:transparent}' +
  'body{font:14px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;' +
  'color:rgba(0,0,0,0.88);word-break:break-word;overflow-wrap:anywhere}' +
  'img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}blockquote{margin:0 0 0 8px;padding-left:8px;border-left:3px solid #d9d9d9;color:#595959}';

export function emailSrcDoc(cleanHtml: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    '<base target="_blank">' +
    `<style>${FRAME_STYLE}</style></head><body>${cleanHtml}</body></html>`
  );
}

/** No allow-scripts, ever (the safety test checks). allow-same-origin only lets this page measure the height. */
export const EMAIL_FRAME_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

export function EmailHtml({ html, title, testId = 'message-html' }: { html: string; title: string; testId?: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(80);
  const srcDoc = useMemo(() => emailSrcDoc(cleanEmailHtml(html)), [html]);
  const measure = useCallback(() => {
    const doc = ref.current?.contentDocument;
    const h = doc?.documentElement?.scrollHeight ?? 0;
    if (h > 0) setHeight(Math.min(Math.max(h, 24), 2000));
  }, []);
  return (
    <iframe
      ref={ref}
      data-testid={testId}
      title={title}
      sandbox={EMAIL_FRAME_SANDBOX}
      referrerPolicy="no-referrer"
      srcDoc={srcDoc}
      onLoad={measure}
      style={{ width: '100%', height, border: 'none', display: 'block', background: 'transparent' }}
    />
  );
}
