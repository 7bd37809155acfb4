import { render } from 'preact';
import { App } from './components/App.js';
import { chat } from './state/chat-store.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/messages.css';
import './styles/extras.css';
import './styles/apps-and-pages.css';
import './styles/narrow.css';

render(<App />, document.getElementById('app') as HTMLElement);

// Tests and people debugging a flaky network can cut the live connection: it must come back and catch up.
(window as unknown as { switchboard: unknown }).switchboard = { dropConnection: () => chat.live.drop() };
