/** Times and days as the message list shows them, in the person's locale. */
export function timeOf(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function dayOf(ms: number): string {
  return new Date(ms).toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric' });
}
