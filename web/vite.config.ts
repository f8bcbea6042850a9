// Vite build of the clinic front end. The output (dist/) is served by `ketapath serve` under a
// strict Content-Security-Policy (script-src 'self', no inline script or style), so the build
// emits only external module scripts and stylesheets: no modulepreload polyfill, no inlined assets.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    rollupOptions: {
      input: {
        main: "index.html",
        request: "request.html",
      },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
