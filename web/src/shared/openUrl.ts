/** Opens a (presigned) URL the API returned in a new tab, without giving it a handle on this page. */
export function openUrl(url: string): void {
  if (!/^(https?:)?\/\//i.test(url) && !url.startsWith('/')) return; // only http(s) URLs, never javascript:
  const w = window.open(url, '_blank', 'noopener,noreferrer');
  if (w) w.opener = null;
}
