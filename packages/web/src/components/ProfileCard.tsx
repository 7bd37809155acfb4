import { useEffect, useRef } from 'preact/hooks';
import { Avatar } from './Avatar.js';

export interface Profile {
  id: string;
  name: string;
  avatar: string | null;
  bot: boolean;
  title: string | null;
  email?: string;
}

/** A person's or bot's profile, opened from their name on a message; Escape or a click elsewhere closes it. */
export function ProfileCard({ profile, onClose }: { profile: Profile; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    const onClick = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && onClose();
    addEventListener('keydown', onKey);
    addEventListener('mousedown', onClick);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('mousedown', onClick);
    };
  }, [onClose]);
  return (
    <div ref={ref} class="profile-card" role="dialog" aria-label={`Profile of ${profile.name}`} tabIndex={-1}>
      <Avatar id={profile.id} name={profile.name} url={profile.avatar} size={48} />
      <div>
        <p class="profile-name">
          {profile.name} {profile.bot && <span class="badge bot-badge">BOT</span>}
        </p>
        {profile.title && <p class="muted small">{profile.title}</p>}
        {profile.email && !profile.bot && <p class="muted small">{profile.email}</p>}
        {profile.bot && <p class="muted small">An app’s bot: it posts for the app installed in this workspace.</p>}
      </div>
    </div>
  );
}
