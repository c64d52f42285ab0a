"""Train the handwritten-digit CNN and export it to ocr_service/models/digits.onnx.

    pip install -e '.[dev]' && pip install torch==2.13.0   # CPU build; training only
    nice -n 10 python scripts/train_digits.py              # about 40 minutes on one core

Reproducible: fixed seeds, deterministic torch algorithms, one thread; the same
checkout and versions give the same weights.

Training data (see ocr_service/models/README.md for sources and licences):

* MNIST DEVELOPMENT digits only: positions 0..199 of each digit's development 250
  (``ocr_service.bench.mnist.split_indices(DEV, within=range(0, 200))``);
  positions 200..249 are the validation set. The held-out half (d*500+250..499) is
  never loaded for training or validation.
* digits 0-9 written with every generator font (ocr_service/synth/fonts.py).

Every digit goes through the same steps as a box on a page: pasted as ink into a box
of a random size (150-300 dpi) with a random affine and elastic distortion, stroke
width, position (now and then over the border, which the reader's inset cuts), ink
and paper grey, blur and noise; then cropped like a box, prepared by the readers' own
``prepare_text`` and mapped to 28 x 28 by ``ocr_service.ocr.digits.to_mnist``. So the
network sees exactly what it will see behind the OCR seam.

The network: five 3x3 convolutions (32, 32, 64, 64, 128 channels), each with batch
normalization and ReLU, a 2x2 max pool after the second, the fourth and the fifth
(28 -> 14 -> 7 -> 3), a 128-unit hidden layer and ten outputs (about 288,000 weights:
the fifth convolution and its pool make the hidden layer's input 1,152 wide instead of
3,136). It is written to ONNX with the
``onnx`` helper from the trained weights, each batch normalization folded into its
convolution (no exporter needed).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import onnx
import torch
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from ocr_service.bench.mnist import load_mnist, split_indices
from ocr_service.bench.seeds import DEV
from ocr_service.ocr.digits import SIDE, to_mnist
from ocr_service.reading.prepare import INK_DELTA, Variant, prepare_text
from ocr_service.synth import ink
from ocr_service.synth.fonts import FACES, Face

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "ocr_service" / "models" / "digits.onnx"
SEED = 20_251_202
TRAIN_POSITIONS = range(0, 200)
VALIDATION_POSITIONS = range(200, 250)
MNIST_VARIANTS = 24
FONT_VARIANTS = 120
VALIDATION_VARIANTS = 2
BOX_SIZES = ((30, 57), (60, 60), (68, 68))
"""Box sizes of the shipped templates at the reference 200 dpi (W-9, 口座番号, 個人番号)."""
BOX_INSET = 0.10
"""As the readers cut each box (reading.boxes.BOX_INSET)."""
CHAR_TARGET_HEIGHT = 48
"""As the readers prepare a box (reading.boxes.CHAR_TARGET_HEIGHT)."""
EPOCHS = 22
BATCH = 128

Mask = NDArray[np.float32]
Gray = NDArray[np.uint8]


# --- distortion -------------------------------------------------------------------------


def affine(mask: Mask, rng: random.Random) -> Mask:
    """Rotation, shear and squeeze of an ink mask, on a canvas large enough to keep it."""
    h, w = mask.shape
    pad = max(h, w) // 2
    big = cv2.copyMakeBorder(mask, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
    angle = math.radians(rng.uniform(-14, 14))
    shear = rng.uniform(-0.35, 0.35)
    sx, sy = rng.uniform(0.75, 1.2), rng.uniform(0.85, 1.1)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    linear = rot @ np.array([[sx, shear], [0.0, sy]])
    centre = np.array([big.shape[1] / 2, big.shape[0] / 2])
    offset = centre - linear @ centre
    matrix = np.hstack([linear, offset[:, None]])
    out = cv2.warpAffine(big, matrix, (big.shape[1], big.shape[0]), flags=cv2.INTER_LINEAR)
    return crop_to_ink(np.asarray(out, np.float32))


def elastic(mask: Mask, rng: random.Random) -> Mask:
    """A smooth random displacement field (Simard et al. 2003), a hand's wobble."""
    h, w = mask.shape
    alpha = rng.uniform(0.0, 0.08) * max(h, w)
    sigma = max(h, w) * rng.uniform(0.12, 0.2)
    noise = np.random.default_rng(rng.getrandbits(32))
    dx = cv2.GaussianBlur(noise.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma)
    dy = cv2.GaussianBlur(noise.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma)
    scale = alpha / max(float(np.abs(dx).max()), float(np.abs(dy).max()), 1e-6)
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out = cv2.remap(mask, xs + dx * scale, ys + dy * scale, cv2.INTER_LINEAR)
    return np.asarray(out, np.float32)


def pen_width(mask: Mask, rng: random.Random, size: float) -> Mask:
    """A broader or finer pen: dilate or erode by up to about 5 % of the digit height."""
    step = rng.choice((-1, 0, 0, 1, 1, 2)) * max(1, round(size / 40))
    if step == 0:
        return mask
    kernel = np.ones((abs(step) + 1, abs(step) + 1), np.uint8)
    op = cv2.dilate if step > 0 else cv2.erode
    out = op(mask, kernel)
    return out if out.max() > 0.3 else mask


def crop_to_ink(mask: Mask) -> Mask:
    ys, xs = np.nonzero(mask > 0.05)
    if not len(xs):
        return mask
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


# --- a box on a page --------------------------------------------------------------------


def box_crop(digit: Mask, rng: random.Random) -> Gray:
    """``digit`` (ink mask, any size) written in a random box, as the reader crops it."""
    bw, bh = rng.choice(BOX_SIZES)
    dpi = rng.choice((150, 200, 240, 300)) / 200
    bw, bh = max(12, round(bw * dpi)), max(16, round(bh * dpi))
    height = bh * rng.uniform(0.5, 0.95)
    shaped = elastic(affine(digit, rng), rng)
    scale = min(height / shaped.shape[0], bw * 1.0 / shaped.shape[1])
    size = (max(1, round(shaped.shape[1] * scale)), max(1, round(shaped.shape[0] * scale)))
    mask = cv2.resize(shaped, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    mask = np.clip(pen_width(np.asarray(mask, np.float32), rng, height) * 1.3, 0, 1)
    paper = rng.uniform(225, 252)
    ink_grey = rng.uniform(15, 140)
    page = np.full((bh * 2, bw * 2), paper, np.float32)
    jitter = rng.uniform(0.0, 0.15)
    cx = bw + bw / 2 + rng.uniform(-jitter, jitter) * bw
    cy = bh + bh / 2 + rng.uniform(-jitter, jitter) * bh
    if rng.random() < 0.12:  # pushed against a border
        side = rng.choice((-1, 1))
        if rng.random() < 0.5:
            cx = bw + bw / 2 + side * ((bw - mask.shape[1]) / 2 + 3)
        else:
            cy = bh + bh / 2 + side * ((bh - mask.shape[0]) / 2 + 3)
    x, y = round(cx - mask.shape[1] / 2), round(cy - mask.shape[0] / 2)
    strength = rng.uniform(0.75, 1.0)
    window = page[max(y, 0) : y + mask.shape[0], max(x, 0) : x + mask.shape[1]]
    m = mask[max(-y, 0) : max(-y, 0) + window.shape[0], max(-x, 0) : max(-x, 0) + window.shape[1]]
    window -= m * strength * (paper - ink_grey)
    if rng.random() < 0.5:
        page = cv2.GaussianBlur(page, (0, 0), rng.uniform(0.3, 1.1))
    if rng.random() < 0.6:
        noise = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(1, 9), page.shape)
        page = page + noise.astype(np.float32)
    gray = np.clip(page, 0, 255).astype(np.uint8)
    if rng.random() < 0.1:  # a bilevel scan
        gray = np.where(gray < (paper + ink_grey) / 2, 0, 255).astype(np.uint8)
    ix, iy = round(bw * BOX_INSET), round(bh * BOX_INSET)
    return gray[bh + iy : 2 * bh - iy, bw + ix : 2 * bw - ix]


def sample(digit: Mask, rng: random.Random) -> NDArray[np.float32] | None:
    """``digit`` on a page, cut as a box and mapped as the engine maps it; None when the
    prepared box has no ink (the reader would not read it either)."""
    crop = box_crop(digit, rng)
    image = prepare_text(crop, Variant.PRIMARY, target=CHAR_TARGET_HEIGHT, delta=INK_DELTA)
    return None if image is None else to_mnist(image)


# --- data -------------------------------------------------------------------------------


def mnist_masks(positions: range) -> Iterator[tuple[Mask, int]]:
    mnist = load_mnist()
    for index in split_indices(DEV, within=positions):
        yield crop_to_ink(mnist.images[index].astype(np.float32) / 255.0), int(mnist.labels[index])


def faces() -> list[Face]:
    return [f for style in FACES.values() for f in style if f.path.is_file()]


def font_masks(rng: random.Random) -> Iterator[tuple[Mask, int]]:
    for face in faces():
        for digit in range(10):
            size = rng.randint(40, 72)
            mask = ink.crop_to_ink(ink.glyph(face, str(digit), size, 0.0)[0])
            yield mask, digit


def build(
    sources: list[tuple[Mask, int]], variants: int, rng: random.Random
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    images: list[NDArray[np.float32]] = []
    labels: list[int] = []
    for mask, label in sources:
        for _ in range(variants):
            x = sample(mask, rng)
            if x is not None:
                images.append(x)
                labels.append(label)
    return np.stack(images)[:, None, :, :], np.asarray(labels, np.int64)


# --- model ------------------------------------------------------------------------------


CONVOLUTIONS = ((1, 32), (32, 32), (32, 64), (64, 64), (64, 128))
"""(in, out) channels of the five 3x3 convolutions; a 2x2 max pool follows the 2nd, 4th
and 5th (28 -> 14 -> 7 -> 3)."""
POOLED_AFTER = (1, 3, 4)
POOLED_SIDE = 3
HIDDEN = 128


class DigitNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(i, o, 3, padding=1) for i, o in CONVOLUTIONS)
        self.norms = nn.ModuleList(nn.BatchNorm2d(o) for _, o in CONVOLUTIONS)
        self.fc1 = nn.Linear(CONVOLUTIONS[-1][1] * POOLED_SIDE * POOLED_SIDE, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, 10)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, (conv, norm) in enumerate(zip(self.convs, self.norms, strict=True)):
            x = torch.relu(norm(conv(x)))
            if i in POOLED_AFTER:
                x = self.pool(x)
        x = torch.flatten(x, 1)
        x = self.drop(torch.relu(self.fc1(x)))
        return self.fc2(x)


def train(
    model: DigitNet,
    data: tuple[NDArray[np.float32], NDArray[np.int64]],
    validation: dict[str, tuple[NDArray[np.float32], NDArray[np.int64]]],
    epochs: int,
) -> None:
    x, y = torch.from_numpy(data[0]), torch.from_numpy(data[1])
    order = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    loss_of = nn.CrossEntropyLoss(label_smoothing=0.05)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=order)
        total = 0.0
        for start in range(0, len(x), BATCH):
            batch = perm[start : start + BATCH]
            optimizer.zero_grad()
            loss = loss_of(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        schedule.step()
        scores = " ".join(f"{k} {accuracy(model, v):.4f}" for k, v in validation.items())
        print(f"epoch {epoch + 1:2d} loss {total / len(x):.4f} validation: {scores}", flush=True)


def accuracy(model: DigitNet, data: tuple[NDArray[np.float32], NDArray[np.int64]]) -> float:
    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(data[0])).argmax(1).numpy()
    return float((predicted == data[1]).mean())


# --- export -----------------------------------------------------------------------------


def export(model: DigitNet, path: Path) -> None:
    """The trained network as a small ONNX graph (input ``image`` N x 1 x 28 x 28, ink 1
    on paper 0; output ``logits`` N x 10)."""
    model.eval()
    weights: dict[str, NDArray[np.float32]] = {}
    for i, (conv, norm) in enumerate(zip(model.convs, model.norms, strict=True)):
        weights[f"conv{i}.weight"], weights[f"conv{i}.bias"] = fold(conv, norm)
    for name in ("fc1", "fc2"):
        layer = getattr(model, name)
        weights[f"{name}.weight"] = layer.weight.detach().numpy().astype(np.float32)
        weights[f"{name}.bias"] = layer.bias.detach().numpy().astype(np.float32)
    inits = [numpy_helper.from_array(v, name=k) for k, v in weights.items()]
    inits.append(numpy_helper.from_array(np.array([0, -1], np.int64), name="flat_shape"))
    conv = {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}
    pool = {"kernel_shape": [2, 2], "strides": [2, 2]}
    nodes = []
    current = "image"
    for i in range(len(CONVOLUTIONS)):
        inputs = [current, f"conv{i}.weight", f"conv{i}.bias"]
        nodes.append(helper.make_node("Conv", inputs, [f"c{i}"], **conv))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
        current = f"r{i}"
        if i in POOLED_AFTER:
            nodes.append(helper.make_node("MaxPool", [current], [f"p{i}"], **pool))
            current = f"p{i}"
    nodes += [
        helper.make_node("Reshape", [current, "flat_shape"], ["f"]),
        helper.make_node("Gemm", ["f", "fc1.weight", "fc1.bias"], ["h1"], transB=1),
        helper.make_node("Relu", ["h1"], ["a1"]),
        helper.make_node("Gemm", ["a1", "fc2.weight", "fc2.bias"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "digits",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", 1, SIDE, SIDE])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", 10])],
        inits,
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 13)],
        producer_name="ocr-service scripts/train_digits.py",
    )
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(onnx_model, str(path))


def fold(conv: nn.Conv2d, norm: nn.BatchNorm2d) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """A convolution followed by (evaluation-mode) batch normalization as one convolution."""
    assert conv.bias is not None
    assert norm.running_var is not None and norm.running_mean is not None
    scale = (norm.weight / torch.sqrt(norm.running_var + norm.eps)).detach()
    weight = conv.weight.detach() * scale[:, None, None, None]
    bias = (conv.bias.detach() - norm.running_mean) * scale + norm.bias.detach()
    return weight.numpy().astype(np.float32), bias.numpy().astype(np.float32)


def check_export(model: DigitNet, path: Path, x: NDArray[np.float32]) -> float:
    """Largest difference between torch's and onnxruntime's logits on ``x``."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    model.eval()
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    got = session.run(None, {"image": x})[0]
    return float(np.abs(expected - got).max())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    random.seed(SEED)
    np.random.seed(SEED % 2**32)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    started = time.perf_counter()
    rng = random.Random(SEED)
    train_sources = list(mnist_masks(TRAIN_POSITIONS))
    font_sources = list(font_masks(rng))
    data_m = build(train_sources, MNIST_VARIANTS, rng)
    data_f = build(font_sources, FONT_VARIANTS, rng)
    data = (np.concatenate([data_m[0], data_f[0]]), np.concatenate([data_m[1], data_f[1]]))
    check = random.Random(SEED + 1)
    validation = {
        "mnist-dev-200..249": build(
            list(mnist_masks(VALIDATION_POSITIONS)), VALIDATION_VARIANTS, check
        ),
        "fonts": build(list(font_masks(check)), 10, check),
    }
    print(
        f"data: {len(data_m[1])} MNIST-dev boxes, {len(data_f[1])} font boxes; "
        f"validation {', '.join(f'{k} {len(v[1])}' for k, v in validation.items())} "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    model = DigitNet()
    train(model, data, validation, args.epochs)
    export(model, args.out)
    diff = check_export(model, args.out, validation["fonts"][0][:256])
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB); torch vs onnxruntime max |diff| {diff:.2e}")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
