import { execFileSync } from 'node:child_process'
import { symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { readPredictInput } from '../../src/main/cli/predict-input'
import { importDataset } from '../../src/main/datasets'
import { decodeImage } from '../../src/main/datasets/decode'
import { OnnxClassifier } from '../../src/main/onnx'
import { DataType, encodeModel, type ModelProto } from '../../src/main/onnx/proto'
import { grayInput, strokeImage, writeFiles } from '../datasets/fixtures'
import { tempFolder } from '../helpers/temp-folder'

/** A digit drawn in SVG: librsvg (inside sharp) would render it whatever the file is called. */
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><rect width="28" height="28" fill="black"/><rect x="12" y="4" width="4" height="20" fill="white"/></svg>'

describe('what SECURITY.md says of files from anywhere holds', () => {
  it('a link to a file outside the imported folder is not read; a link inside it is', async () => {
    const root = await tempFolder('links')
    const png = await grayInput(strokeImage(28, 28, true), 28, 28).png().toBuffer()
    await writeFiles(join(root, 'digits'), { '3/a.png': png, '3/b.png': png, '7/c.png': png, '7/d.png': png })
    await writeFile(join(root, 'secret.png'), png)
    await symlink(join(root, 'secret.png'), join(root, 'digits/7/outside.png'))
    await symlink('/etc/passwd', join(root, 'digits/7/passwd.png'))
    await symlink('../3/a.png', join(root, 'digits/7/inside.png'))
    const result = await importDataset(join(root, 'digits'))
    const skipped = Object.fromEntries(result.skipped.map((s) => [s.file, s.reason]))
    expect(skipped['7/outside.png']).toBe('link to a file outside the imported folder: not followed')
    expect(skipped['7/passwd.png']).toBe('link to a file outside the imported folder: not followed')
    expect(skipped['7/inside.png']).toBeUndefined()
    expect(result.counts.train[1] + result.counts.valid[1]).toBe(3)
  })

  it('an SVG saved as .png is not handed to librsvg: only the formats named are decoded', async () => {
    const svg = Buffer.from(SVG)
    // The threat: sharp alone reads it, by its bytes.
    expect((await sharp(svg).metadata()).format).toBe('svg')
    await expect(decodeImage(svg, { polarity: 'auto', resize: 'letterbox' })).rejects.toThrow('not an image Digit Lab can read (PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP)')
    const root = await tempFolder('svg')
    const png = await grayInput(strokeImage(28, 28, true), 28, 28).png().toBuffer()
    await writeFiles(root, { '3/a.png': png, '3/drawn.png': svg, '7/b.png': png })
    const result = await importDataset(root)
    expect(result.skipped).toContainEqual({ file: '3/drawn.png', reason: 'not an image Digit Lab can read (PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP)' })
  })

  it('predict says a FIFO is a named pipe, not an empty file', async () => {
    const fifo = join(await tempFolder('fifo'), 'digit.png')
    execFileSync('mkfifo', [fifo])
    await expect(readPredictInput(fifo, { centre: false })).rejects.toThrow(`${fifo} is a named pipe, not an image file: give an image file or a folder of images`)
  })

  it('an onnxruntime load error reaches the person as sentences, without its C++ source location and signature', async () => {
    const value = (name: string, dims: (number | string)[]) => ({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } })
    // Opset 99 passes Digit Lab's own checks; onnxruntime refuses it with a message prefixed by a C++ signature.
    const bytes = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 99 }],
      graph: {
        name: 'g',
        node: [{ opType: 'Flatten', input: ['x'], output: ['f'] }, { opType: 'MatMul', input: ['f', 'w'], output: ['y'] }],
        initializer: [{ name: 'w', dims: [784, 10], dataType: DataType.FLOAT, rawData: new Uint8Array(784 * 40) }],
        input: [value('x', ['N', 1, 28, 28])],
        output: [value('y', ['N', 10])],
      },
    } as ModelProto)
    const message = await OnnxClassifier.fromBytes(bytes).then(
      () => 'loaded',
      (error: unknown) => (error as Error).message,
    )
    expect(message).toMatch(/^onnxruntime cannot load the model: ONNX Runtime only \*guarantees\* support for models stamped with official released onnx opset versions\. Opset 99 is under development/)
    expect(message).not.toMatch(/onnxruntime::|onnxruntime_src|std::|\n/)
    expect(message.length).toBeLessThan(340)
  })
})
