/**
 * The exported `train.py`, with `{{SLOTS}}` that render.ts fills: the run's recipe as constants, the loader of
 * its data and the code of its model. Kept as one Python text (String.raw: no escapes) so it reads as the file.
 */
export const TRAIN_PY = String.raw`"""{{TITLE}}

Plain PyTorch, no fastai: the model, loss, optimizer, schedule, batch size and augmentation of the Digit Lab run,
written out. One process:      python train.py
Several (one per CPU or GPU):  torchrun --nproc_per_node N train.py    (README.md: several machines)
Options: --epochs N, --resume [weights.safetensors] (continue from the run's weights), --out trained.safetensors.
Prints one line per epoch and, last, one JSON line with "epochs", "accuracy" and "seconds".
"""
import argparse
import json
import math
import os
import struct
import time
{{IMPORTS}}from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = Path(__file__).resolve().parent

# The run's recipe.
{{RECIPE}}


{{LOADER}}


{{MODEL}}


def mnist_loss(predictions, targets):
    """The chapter's loss for one logit: how far sigmoid(prediction) is from the target (1 for LABELS[0], else 0)."""
    p = predictions.sigmoid()
    return torch.where(targets == 1, 1 - p, p).mean()


def loss_and_correct(logits, labels):
    """The loss of a batch and how many of its images the model gets right."""
    if BINARY:
        targets = (labels == 0).float().unsqueeze(1)  # 1 for LABELS[0], as the chapter's "is it a 3"
        return mnist_loss(logits, targets), ((logits.sigmoid() > 0.5).float() == targets).sum().item()
    return F.cross_entropy(logits, labels), (logits.argmax(1) == labels).sum().item()


def make_optimizer(model):
    """SGD as PyTorch's; Adam with fastai's defaults (betas 0.9, 0.99, eps 1e-5) and decoupled weight decay: AdamW."""
    if OPTIMIZER == "adam":
        return torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.99), eps=1e-5, weight_decay=WEIGHT_DECAY)
    return torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)


def cosine(start, end, pos):
    """fastai's SchedCos: from start (pos 0) to end (pos 1) along half a cosine."""
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def one_cycle(pct, lr_max, pct_start=0.25, div=25.0, div_final=1e5, moms=(0.95, 0.85, 0.95)):
    """fastai's fit_one_cycle at fraction pct of the steps: the learning rate warms up from lr_max/25 to lr_max over
    the first quarter, then anneals to lr_max/1e5; the momentum (Adam's beta1) goes the other way."""
    if pct < pct_start:
        pos = pct / pct_start
        return cosine(lr_max / div, lr_max, pos), cosine(moms[0], moms[1], pos)
    pos = (pct - pct_start) / (1 - pct_start)
    return cosine(lr_max, lr_max / div_final, pos), cosine(moms[1], moms[2], pos)


def set_one_cycle(optimizer, pct):
    lr, momentum = one_cycle(pct, LR)
    for group in optimizer.param_groups:
        group["lr"] = lr
        # NOTE: as fastai, SGD cycles its momentum only when it has one; Adam always cycles beta1.
        if OPTIMIZER == "adam":
            group["betas"] = (momentum, 0.99)
        elif MOMENTUM > 0:
            group["momentum"] = momentum


def affine(x, degrees, shift_x, shift_y, scale):
    """Rotate each image by degrees, shift it by pixels and scale it about its centre (one value per image), bilinear,
    0 outside: output pixel p' reads the input at R(-θ)(p' - c - t)/s + c, as Digit Lab's RandomAffine does."""
    n, _, h, w = x.shape
    angle = degrees * math.pi / 180
    cos, sin = angle.cos() / scale, angle.sin() / scale
    cx, cy = (w - 1) / 2, (h - 1) / 2
    theta = torch.stack([  # the same map in affine_grid's -1..1 units
        torch.stack([cos, sin * cy / cx, -(cos * shift_x + sin * shift_y) / cx], 1),
        torch.stack([-sin * cx / cy, cos, (sin * shift_x - cos * shift_y) / cy], 1),
    ], 1)
    grid = F.affine_grid(theta, [n, 1, h, w], align_corners=True)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def random_affine(x, generator):
    """Digit Lab's training-only augmentation: a rotation within ±10°, a shift within ±2 px on each axis and a scale
    within ±10%, drawn for every image."""
    draw = lambda span: (2 * torch.rand(len(x), generator=generator) - 1) * span
    return affine(x, draw(10.0), draw(2.0), draw(2.0), 1 + draw(0.1))


def load_safetensors(path):
    """A safetensors file of float32 tensors as a state dict, with json and struct alone (safetensors.torch reads it too)."""
    raw = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    header.pop("__metadata__", None)
    state = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {entry['dtype']}; this reader takes F32 tensors")
        begin, end = (8 + size + offset for offset in entry["data_offsets"])
        state[name] = torch.from_numpy(np.frombuffer(raw[begin:end], "<f4").copy()).reshape(entry["shape"])
    return state


def save_safetensors(state, path):
    """The model's float tensors as a safetensors file (the counter num_batches_tracked is left out)."""
    tensors = {name: t.detach().cpu().float().contiguous() for name, t in state.items() if t.is_floating_point()}
    header, offset = {}, 0
    for name, t in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + 4 * t.numel()]}
        offset += 4 * t.numel()
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text)
        for t in tensors.values():
            out.write(t.numpy().astype("<f4").tobytes())


def load_weights(model, path):
    """Load Digit Lab's weights: the same names as the model's state dict, but for batch norm's step counter."""
    missing, unexpected = model.load_state_dict(load_safetensors(path), strict=False)
    missing = [name for name in missing if not name.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{path} does not fit the model: missing {missing}, unexpected {unexpected}")


def setup():
    """(rank, world size, device). torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; without
    them this is the only process. Processes talk through NCCL on GPUs, gloo on CPUs."""
    cuda = torch.cuda.is_available()
    if "RANK" not in os.environ:
        return 0, 1, torch.device("cuda" if cuda else "cpu")
    dist.init_process_group("nccl" if cuda else "gloo")
    device = torch.device("cuda", int(os.environ["LOCAL_RANK"])) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    return dist.get_rank(), dist.get_world_size(), device


def evaluate(model, images, labels, device):
    """Validation loss and accuracy over the whole split, in eval mode (batch norm uses its running statistics)."""
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(images), 1024):
            x = images[start:start + 1024].to(device).float() / 255
            y = labels[start:start + 1024].to(device)
            loss, right = loss_and_correct(model(x), y)
            loss_sum += loss.item() * len(x)
            correct += right
    return loss_sum / len(images), correct / len(images)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--resume", nargs="?", const=str(HERE / "weights.safetensors"), help="start from these weights")
    parser.add_argument("--out", default=str(HERE / "trained.safetensors"), help="where the trained weights go")
    args = parser.parse_args()
    rank, world, device = setup()

    # Same seed on every process: the same initial weights (DDP also copies rank 0's), the same shuffles.
    torch.manual_seed(SEED)
    model = build_model().to(device)
    if args.resume:
        load_weights(model, args.resume)
    if world > 1 and device.type == "cuda":
        # Batch norm over the whole batch, as one process computes it. (SyncBatchNorm needs GPUs: with gloo on CPUs
        # each process normalises its own share of the batch, which trains alike but not identically.)
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    train_x, train_y = load_split("train")
    valid_x, valid_y = load_split("valid")

    # BATCH_SIZE images per step in all: each of the processes takes its share of every batch and of the data;
    # DDP averages the gradients, so a step sees the mean loss of the whole batch, as one process would.
    if BATCH_SIZE % world and rank == 0:
        print(f"note: batch size {BATCH_SIZE} does not split evenly over {world} processes", flush=True)
    train_set = TensorDataset(train_x, train_y)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=SHUFFLE, seed=SEED)
    loader = DataLoader(train_set, batch_size=max(1, BATCH_SIZE // world), sampler=sampler)
    trained = model
    if world > 1:
        trained = DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None)
    optimizer = make_optimizer(model)
    augment = torch.Generator().manual_seed(SEED + 1 + rank)
    steps, step = args.epochs * len(loader), 0

    started = time.perf_counter()
    accuracy = float("nan")
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every process
        trained.train()
        loss_sum, seen = 0.0, 0
        for x, y in loader:
            if SCHEDULE == "one-cycle":
                set_one_cycle(optimizer, step / steps)
            step += 1
            x = x.float() / 255
            if AUGMENT:
                x = random_affine(x, augment)
            x, y = x.to(device), y.to(device)
            loss, _ = loss_and_correct(trained(x), y)
            optimizer.zero_grad()
            loss.backward()
            if GRAD_CLIP is not None:
                nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
            optimizer.step()
            loss_sum, seen = loss_sum + loss.item() * len(x), seen + len(x)
        totals = torch.tensor([loss_sum, seen], dtype=torch.float64, device=device)
        if world > 1:
            dist.all_reduce(totals)  # the epoch's loss over every process's share
        if rank == 0:
            valid_loss, accuracy = evaluate(model, valid_x, valid_y, device)
            print(f"epoch {epoch + 1}/{args.epochs}  train_loss {totals[0] / totals[1]:.6f}  valid_loss {valid_loss:.6f}"
                  f"  accuracy {accuracy:.4f}  {time.perf_counter() - started:.1f} s", flush=True)
    if rank == 0:
        if args.epochs == 0:
            _, accuracy = evaluate(model, valid_x, valid_y, device)
        save_safetensors(model.state_dict(), args.out)
        print(json.dumps({"epochs": args.epochs, "accuracy": accuracy, "seconds": round(time.perf_counter() - started, 3)}), flush=True)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`
