/** How the exported `train.py` reads its data: one of these goes into its {{LOADER}} slot. */

/** The built-in samples: MNIST's own IDX files, the digits LABELS names picked out as Digit Lab picks them. */
export const IDX_LOADER = String.raw`DATA = HERE / "data"


def read_idx(path):
    """An IDX file as a uint8 array: magic (0, 0, type 8 = uint8, rank), the sizes big-endian, then the values."""
    raw = path.read_bytes()
    rank = raw[3]
    shape = struct.unpack(f">{rank}I", raw[4:4 + 4 * rank])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(shape)


def load_split(split):
    """Images (n, 1, 28, 28) uint8 and class indices: MNIST's images of the digits in LABELS, class by class in file
    order ({{SPLITS}})."""
    prefix = {"train": "train", "valid": "t10k"}[split]
    images = read_idx(DATA / f"{prefix}-images-idx3-ubyte")
    digits = read_idx(DATA / f"{prefix}-labels-idx1-ubyte")
    rows = [np.flatnonzero(digits == int(label)) for label in LABELS]
    labels = np.concatenate([np.full(len(r), c) for c, r in enumerate(rows)])
    return torch.from_numpy(images[np.concatenate(rows)].copy()).unsqueeze(1), torch.from_numpy(labels).long()`

/**
 * Any other data: torchvision's ImageFolder layout of 8-bit grayscale PNGs, read with zlib alone (torchvision's
 * ImageFolder with a Grayscale transform reads the same folders, but sorts the class names as text).
 */
export const PNG_LOADER = String.raw`DATA = HERE / "data"


def read_png(path):
    """An 8-bit grayscale PNG, as Digit Lab writes them, as a (height, width) uint8 array, with zlib alone."""
    raw = path.read_bytes()
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", raw[16:29])
    if (depth, colour, interlace) != (8, 0, 0):
        raise ValueError(f"{path}: not an 8-bit grayscale PNG; convert it (or read the folders with torchvision)")
    data, pos = b"", 8
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        if kind == b"IDAT":
            data += raw[pos + 8:pos + 8 + length]
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(data), np.uint8).reshape(height, width + 1)
    if rows[:, 0].any():
        raise ValueError(f"{path}: its rows are filtered; this reader takes PNGs written without filters")
    return rows[:, 1:]


def load_split(split):
    """Images (n, 1, h, w) uint8 and class indices from data/<split>/<label>/*.png, class i being LABELS[i]."""
    images, labels = [], []
    for c, label in enumerate(LABELS):
        for path in sorted((DATA / split / label).glob("*.png")):
            images.append(read_png(path))
            labels.append(c)
    return torch.from_numpy(np.stack(images)).unsqueeze(1), torch.tensor(labels)`
