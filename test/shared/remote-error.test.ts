import { describe, expect, it } from 'vitest'
import { remoteErrorMessage } from '../../src/shared/remote-error'

describe('a refusal from main, as the page shows it', () => {
  it('loses the wrapping Electron adds, keeping main\'s words', () => {
    expect(remoteErrorMessage("Error invoking remote method 'training:lr-find': Error: pixel similarity learns no weights, so it has no learning rate to find")).toBe(
      'pixel similarity learns no weights, so it has no learning rate to find',
    )
    expect(remoteErrorMessage("Error invoking remote method 'dataset:open-folder': TypeError: bad path")).toBe('bad path')
  })

  it('leaves any other message as it is', () => {
    expect(remoteErrorMessage('no dataset is open: open a sample or a folder first')).toBe('no dataset is open: open a sample or a folder first')
    expect(remoteErrorMessage("Error: Error invoking remote method 'x': Error: y")).toBe("Error: Error invoking remote method 'x': Error: y")
  })
})
