"""Split a CTC recognizer's classification head off its ONNX graph.

PP-OCRv6's last layers are a 120 x 18,710 matrix product and a softmax over all
18,710 classes, though a reading only ever looks at a few of them (504 for English,
6,586 for Japanese; see :meth:`PpOcrLineEngine.prior`). With the head cut off,
onnxruntime returns the 120 features per frame. The body alone, on random 48 px lines
with one thread: 7.0 against 8.5 ms at 160 px wide, 14.2 against 16.8 ms at 320 px,
27.3 against 35.4 ms at 640 px; body and a head over the kept columns together, on 78
real line crops: 17.7 against 21.5 ms a line.

The kept columns become a small model of their own (:func:`head_model`), run by
onnxruntime like the body: numpy's matrix product would call OpenBLAS, whose threads
spin on the other core after each product and slowed the body's next run from 20 to
33 ms a line. The softmax over a subset of classes, renormalized, equals the full
softmax restricted to that subset and renormalized, so the readings are the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]

PASS_THROUGH = frozenset({"Identity"})


@dataclass(frozen=True)
class SplitModel:
    """The graph up to the head's input (serialized), and the head's weight and bias."""

    body: bytes
    weight: FloatArray
    """(features, classes)"""
    bias: FloatArray
    """(classes,)"""


def split_head(path: Path) -> SplitModel | None:
    """The model without its final ``MatMul -> Add -> Softmax`` (Identity nodes between
    are allowed), or None when the graph does not end that way or ``onnx`` is missing:
    the caller then runs the whole model."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:  # pragma: no cover - onnx is a dependency
        log.warning("onnx is not installed: the recognizer runs its full classification head")
        return None
    model = onnx.load(str(path))
    graph = model.graph
    nodes = list(graph.node)
    if len(graph.output) != 1 or not nodes:
        return None
    producer = {out: node for node in nodes for out in node.output}
    constants = {init.name: init for init in graph.initializer}

    def source(name: str) -> onnx.NodeProto | None:
        node = producer.get(name)
        while node is not None and node.op_type in PASS_THROUGH:
            node = producer.get(node.input[0])
        return node

    softmax = source(graph.output[0].name)
    if softmax is None or softmax.op_type != "Softmax":
        return None
    add = source(softmax.input[0])
    if add is None or add.op_type != "Add":
        return None
    bias_name = next((i for i in add.input if i in constants), None)
    matmul_out = next((i for i in add.input if i not in constants), None)
    matmul = source(matmul_out) if matmul_out else None
    if bias_name is None or matmul is None or matmul.op_type != "MatMul":
        return None
    features, weight_name = matmul.input
    if weight_name not in constants:
        return None
    weight = numpy_helper.to_array(constants[weight_name]).astype(np.float32)
    bias = numpy_helper.to_array(constants[bias_name]).astype(np.float32)
    if weight.ndim != 2 or bias.shape != (weight.shape[1],):
        return None
    head = _nodes_between(producer, graph.output[0].name, features)
    for node in nodes:
        if id(node) in head:
            graph.node.remove(node)
    for name in (weight_name, bias_name):
        graph.initializer.remove(constants[name])
    graph.output.remove(graph.output[0])
    graph.output.append(onnx.helper.make_tensor_value_info(features, onnx.TensorProto.FLOAT, None))
    body: bytes = model.SerializeToString()
    return SplitModel(body, weight, bias)


def _nodes_between(producer: dict[str, Any], output: str, stop: str) -> set[int]:
    """Ids of the nodes that lead from ``stop`` (exclusive) to ``output``, walking
    back through every input that some node produces."""
    seen: set[int] = set()
    pending = [output]
    while pending:
        name = pending.pop()
        if name == stop:
            continue
        node = producer.get(name)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        pending.extend(node.input)
    return seen


def head_model(weight: FloatArray, bias: FloatArray) -> bytes:
    """A model of the head alone over some classes: ``softmax(features @ weight + bias)``
    per frame, for features of shape (frames, weight.shape[0])."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    features, classes = weight.shape
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["features", "weight"], ["product"]),
            helper.make_node("Add", ["product", "bias"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
        ],
        "ctc_head",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["frames", features])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["frames", classes])],
        [
            numpy_helper.from_array(np.ascontiguousarray(weight, np.float32), "weight"),
            numpy_helper.from_array(np.ascontiguousarray(bias, np.float32), "bias"),
        ],
    )
    opset = [helper.make_opsetid("", 13)]
    model = helper.make_model(graph, opset_imports=opset)
    model.ir_version = 8
    onnx.checker.check_model(model)
    serialized: bytes = model.SerializeToString()
    return serialized
