/** Script-tag entry (IIFE bundle `upshot.js`): defines `window.Upshot.createUpshot`. */
import { createUpshot } from './create-upshot.ts';

(window as unknown as { Upshot: { createUpshot: typeof createUpshot } }).Upshot = { createUpshot };
