import { describe, expect, it } from 'vitest'
import { isDatasetFileName, isIdxName, isImageName } from '../../src/shared/dataset-files'

describe('which files a dataset is made of, by name', () => {
  it('takes images (any case, not macOS shadow files), pixel CSVs and IDX files, gzipped or not', () => {
    for (const name of ['3.png', 'scan.JPEG', 'a.webp', 'old.bmp', 'digits.csv', 'DIGITS.CSV', 'train-images-idx3-ubyte', 't10k-labels.idx1-ubyte.gz']) {
      expect(isDatasetFileName(name), name).toBe(true)
    }
    expect(isImageName('._3.png')).toBe(false)
    expect(isIdxName('train-images-idx3-ubyte.gz')).toBe(true)
  })

  it('refuses what the importer cannot read: projects, models, text, archives, names without an extension', () => {
    for (const name of ['run.digitlab', 'model.onnx', 'notes.txt', 'digits.zip', 'README', '._3.png', '.png']) {
      expect(isDatasetFileName(name), name).toBe(false)
    }
  })
})
