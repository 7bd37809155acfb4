/** The reactions offered in the quick picker, and how common codes look. */
export const QUICK_REACTIONS = [':thumbsup:', ':heart:', ':joy:', ':tada:', ':eyes:', ':white_check_mark:'];

const EMOJI: Record<string, string> = {
  ':thumbsup:': '👍',
  ':+1:': '👍',
  ':thumbsdown:': '👎',
  ':heart:': '❤️',
  ':joy:': '😂',
  ':smile:': '😄',
  ':tada:': '🎉',
  ':eyes:': '👀',
  ':white_check_mark:': '✅',
  ':wave:': '👋',
  ':fire:': '🔥',
  ':rocket:': '🚀',
  ':pray:': '🙏',
  ':100:': '💯',
};

/** The emoji for a reaction code, or the code itself (as text) when unknown. */
export function emojiOf(code: string): string {
  return EMOJI[code] ?? code;
}

/** Replaces known `:codes:` in a text with their emoji (messages like "Hello :wave:"). */
export function withEmoji(text: string): string {
  return text.replace(/:[a-z0-9_+-]{1,64}:/g, (code) => EMOJI[code] ?? code);
}
