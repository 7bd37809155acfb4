/** Times and days as the message list shows them, in the person's locale (formatters built once: they are costly to make). */
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

export function timeOf(ms: number): string {
  return TIME.format(ms);
}

export function dayOf(ms: number): string {
  return DAY.format(ms);
}
