/** The exported `check.py`: the PyTorch model with the run's weights against the logits Digit Lab computed. */
export const CHECK_PY = String.raw`"""Check the export: train.py's model with weights.safetensors must give the logits Digit Lab's engine gave.

python check.py [weights.safetensors]
Compares, on {{IMAGES}} validation images as train.py reads them, the PyTorch model's logits with
reference-logits.safetensors (written by Digit Lab's engine) and, when onnxruntime is installed, with model.onnx.
Exits 1 when any |Δlogit| is above 1e-4.
"""
import json
import sys

import numpy as np
import torch

from train import HERE, build_model, load_safetensors, load_split, load_weights

TOLERANCE = 1e-4


def main():
    torch.set_num_threads(1)
    model = build_model()
    load_weights(model, sys.argv[1] if len(sys.argv) > 1 else HERE / "weights.safetensors")
    model.eval()
    reference = load_safetensors(HERE / "reference-logits.safetensors")
    rows = reference["rows"].long()
    images, _ = load_split("valid")
    x = images[rows].float() / 255
    with torch.no_grad():
        logits = model(x).numpy()
    results = {"images": len(rows), "engine": float(np.abs(logits - reference["logits"].numpy()).max())}
    try:
        import onnxruntime
    except ImportError:
        results["onnx"] = "not compared: onnxruntime is not installed (pip install onnxruntime)"
    else:
        session = onnxruntime.InferenceSession(str(HERE / "model.onnx"))
        onnx_logits = session.run(["logits"], {"image": x.numpy()})[0]
        results["onnx"] = float(np.abs(logits - onnx_logits).max())
    for name, delta in results.items():
        if name != "images":
            print(f"PyTorch vs {'Digit Lab engine' if name == 'engine' else 'onnxruntime on model.onnx'}: "
                  + (f"max |Δlogit| {delta:.2e} on {len(rows)} images" if isinstance(delta, float) else delta))
    print(json.dumps(results))
    compared = [delta for delta in results.values() if isinstance(delta, float)]
    sys.exit(0 if all(delta <= TOLERANCE for delta in compared) else 1)


if __name__ == "__main__":
    main()
`
