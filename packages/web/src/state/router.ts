import { useEffect, useState } from 'preact/hooks';

export type Route = { view: 'home' } | { view: 'channel'; channelId: string; rootId?: string } | { view: 'apps' };

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'apps') return { view: 'apps' };
  if (parts[0] === 'c' && parts[1]) return { view: 'channel', channelId: parts[1], rootId: parts[2] === 't' ? parts[3] : undefined };
  return { view: 'home' };
}

export const channelPath = (channelId: string, rootId?: string) => `/c/${encodeURIComponent(channelId)}${rootId ? `/t/${encodeURIComponent(rootId)}` : ''}`;

/** Client-side navigation (the server answers every one of these paths with the page). */
export function navigate(path: string, replace = false): void {
  if (path === location.pathname) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

/** A same-page link: plain clicks navigate without reloading; modified clicks keep the browser's behaviour. */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
