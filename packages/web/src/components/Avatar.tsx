import { useState } from 'preact/hooks';
import { safeHref } from '../format/rich-text.js';

const COLORS = ['#4f46e5', '#0891b2', '#059669', '#d97706', '#db2777', '#7c3aed', '#2563eb', '#dc2626'];

function colorOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return COLORS[Math.abs(h) % COLORS.length];
}

/** A person's or bot's picture, else their initial on a colour derived from their id. */
export function Avatar({ id, name, url, size = 36 }: { id: string; name: string; url?: string | null; size?: number }) {
  const [broken, setBroken] = useState(false);
  const href = broken ? undefined : safeHref(url);
  const style = { width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.42)}px` };
  if (href) return <img class="avatar" src={href} alt="" style={style} onError={() => setBroken(true)} />;
  return (
    <span class="avatar" aria-hidden="true" style={{ ...style, background: colorOf(id) }}>
      {(name.trim().charAt(0) || '?').toUpperCase()}
    </span>
  );
}
