import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempFolder } from '../helpers/temp-folder'

describe('loading a model', () => {
  it('leaves nothing in the temporary folder (onnxruntime’s telemetry would leave mat-debug-<pid>.log and .ses)', async () => {
    const tmp = await tempFolder('model-load')
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/onnx/fixtures/load-model.ts', 'test/fixtures/onnx/foreign-mnist.onnx'], {
      env: { ...process.env, TMPDIR: tmp },
    })
    expect(JSON.parse(stdout)).toMatchObject({ label: expect.any(String) })
    // tsx keeps its compile cache there (tsx-<uid>); onnxruntime's telemetry would add mat-debug-<pid>.log and .ses.
    expect((await readdir(tmp)).filter((name) => !/^tsx-\d+$/.test(name))).toEqual([])
  })
})
