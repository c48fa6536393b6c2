/** The exported README.md. */
export const README_MD = String.raw`# {{TITLE}}

Exported by Digit Lab {{VERSION}}: the run's recipe as plain PyTorch ({{RECIPE}}), its data and its weights.

| file | what |
| --- | --- |
| train.py | the model, loss, optimizer, schedule and data loading; trains from scratch, or from the run's weights with --resume |
| data/ | {{DATA}} |
| weights.safetensors | the run's weights ({{EPOCHS_DONE}} epochs, validation accuracy {{ACCURACY}}), with the model's state-dict names |
| check.py | loads the weights into train.py's model and compares its logits with Digit Lab's (reference-logits.safetensors) and, when onnxruntime is installed, with model.onnx |
| model.onnx | the same model as Digit Lab's ONNX export |

## One machine

    pip install -r requirements.txt      # or your distribution's python3-torch and python3-numpy
    python check.py                      # the weights give Digit Lab's logits (max |Δlogit| ≤ 1e-4)
    python train.py                      # train from scratch: one line per epoch, then one JSON line
    python train.py --resume --epochs 5  # continue from the run's weights (the optimizer starts afresh)

Each process computes on as many threads as PyTorch picks; set OMP_NUM_THREADS to choose. Where CUDA is available
the model trains on the GPU.

## Several processes, or several machines

train.py uses DistributedDataParallel when it is started by torchrun: every process takes an equal share of the
data (DistributedSampler) and of each batch of {{BATCH_SIZE}} images, and the gradients are averaged, so a step is the
step of one process. Processes talk through NCCL on GPUs, gloo on CPUs.

    torchrun --nproc_per_node 4 train.py                      # 4 processes on this machine

    # 2 machines with 4 processes each; run on each, with its own --node_rank (0 on the first):
    torchrun --nnodes 2 --nproc_per_node 4 --node_rank 0 \
             --master_addr 10.0.0.1 --master_port 29500 train.py

Without torchrun, start each process yourself with the variables it sets: RANK, WORLD_SIZE, LOCAL_RANK,
MASTER_ADDR and MASTER_PORT. Only rank 0 validates, prints and writes trained.safetensors. Every machine needs this
folder (or the same path on a shared disk).
`

/** The exported requirements.txt: what train.py and check.py import (onnxruntime only for check.py's second comparison). */
export const REQUIREMENTS_TXT = `torch>=1.13
numpy
# optional: check.py also compares with model.onnx when it is installed
# onnxruntime
`
