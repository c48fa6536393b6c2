import { describe, expect, it } from 'vitest'
import { formatBytes, formatMetric, formatMilliseconds, formatPercent, formatSeconds, significant } from '../../src/renderer/src/lib/format'

describe('numbers as a person reads them', () => {
  it('a share is a percentage', () => {
    expect(formatPercent(0.875)).toBe('87.5%')
    expect(formatPercent(0.99561, 2)).toBe('99.56%')
    expect(formatPercent(null)).toBe('–')
  })

  it('a loss or a weight keeps 4 significant digits, and tiny or huge ones an exponent', () => {
    expect(significant(0.693147)).toBe('0.6931')
    expect(significant(12.34567)).toBe('12.35')
    expect(significant(-0.0123456)).toBe('-0.01235')
    expect(significant(0.0000314159)).toBe('3.142e-5')
    expect(significant(123456)).toBe('1.235e5')
    expect(significant(0)).toBe('0')
    expect(significant(Number.NaN)).toBe('NaN')
  })

  it('a metric is read by its name: accuracy as a percentage, a loss in 4 digits', () => {
    expect(formatMetric('accuracy', 0.875)).toBe('87.5%')
    expect(formatMetric('error_rate', 0.0441)).toBe('4.4%')
    expect(formatMetric('validLoss', 0.0123456)).toBe('0.01235')
  })

  it('a time in seconds below a minute, m:ss after; milliseconds below a second', () => {
    expect(formatSeconds(0.43)).toBe('0.4 s')
    expect(formatSeconds(0.021)).toBe('21 ms')
    expect(formatSeconds(12.4)).toBe('12 s')
    expect(formatSeconds(65)).toBe('1:05')
    expect(formatMilliseconds(1806.5)).toBe('1.8 s')
    expect(formatMilliseconds(27.4)).toBe('27 ms')
    expect(formatMilliseconds(3.21)).toBe('3.2 ms')
  })

  it('a size in bytes takes the unit that keeps it short', () => {
    expect(formatBytes(3_211_264)).toBe('3.1 MB')
    expect(formatBytes(839_680)).toBe('820 KB')
    expect(formatBytes(512)).toBe('512 bytes')
  })
})
