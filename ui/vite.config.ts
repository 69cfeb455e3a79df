import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

/** Where `npm run dev` finds a running node (`npm start` serves on 8080). */
const NODE_URL = process.env.WISSENSNETZ_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: { proxy: { '/api': { target: NODE_URL, changeOrigin: false } } },
})
