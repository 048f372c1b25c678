// esbuild bundles imported stylesheets into dist/webview/chat.css; the import has no value.
declare module '*.css';
