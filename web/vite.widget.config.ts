// /widget.js: the embeddable chat button and window, built apart from the SPA (plain TS and DOM, no React, no
// antd) as one classic script, so a company's page loads it with one <script> tag from another origin (no module
// loading, no CORS for the script itself). scripts/bundle-size.mjs holds it under 15 KB gzip.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    manifest: false,
    target: 'es2019',
    lib: {
      entry: 'src/widget/main.ts',
      formats: ['iife'],
      name: 'HelpdeskChat',
      fileName: () => 'widget.js',
    },
  },
});
