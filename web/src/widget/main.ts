// The entry of /widget.js (vite.widget.config.ts): the button goes on the page as soon as there is a body.
import { install } from './launcher';

const me = document.currentScript as HTMLScriptElement | null;
if (document.body) install(me);
else document.addEventListener('DOMContentLoaded', () => install(me), { once: true });
