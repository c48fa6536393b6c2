import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

/** The built-in starting points (weights and manifests) go beside the main bundle, where the engine reads them. */
function copyStartingPoints(): Plugin {
  return {
    name: 'digit-lab-starting-points',
    writeBundle(options) {
      const from = resolve('src/main/engine/pretrained')
      const to = join(options.dir ?? resolve('out/main'), 'pretrained')
      mkdirSync(to, { recursive: true })
      for (const file of readdirSync(from)) if (/\.(safetensors|json)$/.test(file)) copyFileSync(join(from, file), join(to, file))
    },
  }
}

export default defineConfig({
  main: {
    plugins: [copyStartingPoints()],
    build: {
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), 'training-worker': resolve('src/main/worker/training-worker.ts'), 'lab-worker': resolve('src/main/worker/lab-worker.ts') },
        external: ['sharp', 'onnxruntime-node'],
        // NOTE: every chunk beside index.js, so `./training-worker.js` (or `./lab-worker.js`) next to any of them is the worker
        // (spawn.ts); the chunks the workers share with main are `engine-*.js`, which the package unpacks with the workers.
        output: { chunkFileNames: (chunk) => (chunk.isDynamicEntry ? '[name]-[hash].js' : 'engine-[hash].js') },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
  },
})
