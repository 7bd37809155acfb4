import { useEffect, useState } from 'preact/hooks';
import { type ChatState, chat } from './chat-store.js';

/** The chat state, re-rendering the component whenever it changes. */
export function useChat(): ChatState {
  const [state, setState] = useState(chat.state);
  useEffect(() => {
    setState(chat.state);
    return chat.subscribe(() => setState(chat.state));
  }, []);
  return state;
}
