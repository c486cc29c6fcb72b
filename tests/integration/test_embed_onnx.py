"""The ONNX Runtime embedder against the PyTorch one it replaces (real model: slow)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import ConfigError
from rag.index.embed import BACKENDS, OnnxEmbedder, SentenceTransformerEmbedder, get_embedder, make_embedder
from rag.index.embed.onnx import WEIGHT_LIMIT, exported_model, mean_pool
from rag.machine import cpu_flags

TEXTS = [
    "Who did Tokayev meet in Berlin?",
    "",
    "Kazakhstan blocked 1,700 wagons of Russian coal. " * 40,  # past the 256 word-piece limit: truncated alike
    "Astana — Президент Токаев встретился с Путиным. 🙂",
]


def test_unknown_backend_is_a_config_error_naming_the_choices():
    with pytest.raises(ConfigError, match="onnx, torch"):
        make_embedder("all-MiniLM-L6-v2", "tensorflow", False, Settings().model_cache)
    assert BACKENDS == ("onnx", "torch")


def test_mean_pool_ignores_padding():
    hidden = np.array([[[1.0, 1.0], [3.0, 5.0], [100.0, 100.0]]], dtype=np.float32)
    assert mean_pool(hidden, np.array([[1, 1, 0]])).tolist() == [[2.0, 3.0]]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.mark.slow
def test_fp32_matches_pytorch_and_keeps_the_model_name(torch_embedder, onnx_cache):
    onnx = OnnxEmbedder(cache_dir=onnx_cache)
    assert onnx.name == torch_embedder.name and onnx.dim == 384 and onnx.max_tokens == 256
    a = torch_embedder.embed_documents(TEXTS, batch_size=2)
    b = onnx.embed_documents(TEXTS, batch_size=2)
    assert ((a * b).sum(axis=1) > 0.99999).all()
    q = "How many wagons of coal?"
    assert float(torch_embedder.embed_query(q) @ onnx.embed_query(q)) > 0.99999
    assert [onnx.count_tokens(t) for t in TEXTS] == [torch_embedder.count_tokens(t) for t in TEXTS]


@pytest.mark.slow
def test_int8_is_close_named_apart_and_cached(torch_embedder, onnx_cache):
    q8 = OnnxEmbedder(quantize=True, cache_dir=onnx_cache)
    assert q8.name == "all-MiniLM-L6-v2+onnx-int8w7"  # other vectors: the manifest forces a rebuild
    v = q8.embed_documents(TEXTS)
    ref = torch_embedder.embed_documents(TEXTS)
    assert ((v * ref).sum(axis=1) > 0.97).all()
    files = sorted(p.name for p in onnx_cache.iterdir())
    path = exported_model(q8.path, onnx_cache, quantize=True)
    assert path.name in files and sorted(p.name for p in onnx_cache.iterdir()) == files  # reused, not re-exported
    assert not [f for f in files if f.startswith(".")]  # no temporary files left behind


@pytest.mark.slow
def test_exporting_leaves_the_logging_setup_alone(tmp_path):
    """In a process of its own: pytest's log capture gives the root logger handlers, which would hide it."""
    import subprocess
    import sys

    code = (
        "import logging, sys; from pathlib import Path; from rag.index.embed import OnnxEmbedder; "
        "from rag.index.embed.onnx import exported_model; "
        "exported_model(OnnxEmbedder().path, Path(sys.argv[1]), quantize=True); "
        "print(len(logging.getLogger().handlers), logging.getLogger().level)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "30"]  # no handler left behind, still WARNING


@pytest.mark.slow
def test_get_embedder_follows_the_settings(tmp_path):
    s = Settings(model_cache=tmp_path)
    assert isinstance(get_embedder(s), OnnxEmbedder)
    assert isinstance(get_embedder(s.replace(embed_backend="torch")), SentenceTransformerEmbedder)
    assert get_embedder(s) is get_embedder(s)  # one per process


@pytest.mark.slow
def test_attention_is_fused_in_the_exported_graph(onnx_cache):
    """The export must give ONNX Runtime the attention pattern it fuses (the unfused graph is 1.4x slower)."""
    import onnx

    q8 = OnnxEmbedder(quantize=True, cache_dir=onnx_cache)
    ops = {n.op_type for n in onnx.load(str(exported_model(q8.path, onnx_cache, quantize=True))).graph.node}
    assert "QAttention" in ops or "Attention" in ops, sorted(ops)
    assert "IsNaN" not in ops and "Softmax" not in ops


@pytest.mark.slow
def test_each_text_gets_its_own_vector_on_parallel_sessions(onnx_cache):
    q8 = OnnxEmbedder(quantize=True, cache_dir=onnx_cache)
    texts = [f"Passage {i}: " + "Kazakhstan blocked wagons of Russian coal. " * (1 + i % 9) for i in range(40)]
    seen: list[int] = []
    parallel = q8.embed_documents(texts, batch_size=8, progress=seen.append)
    assert len(q8.session.workers()) == (os.cpu_count() or 1) and sum(seen) == 40  # progress counts every text
    one_by_one = np.stack([q8.embed_query(t) for t in texts])
    assert np.abs(parallel - one_by_one).max() < 1e-5  # no text's vector moved by its neighbours
    assert np.abs(q8.embed_documents(texts[:2]) - one_by_one[:2]).max() < 1e-5  # the few-texts path too


@pytest.mark.slow
def test_one_pass_gives_the_passage_vector_and_its_sentences(onnx_cache):
    """embed_passages: the passage's vector is exactly embed_documents'; each sentence's is pooled
    from the same pass, unit length, and near the sentence embedded on its own (same meaning, read
    in context)."""
    q8 = OnnxEmbedder(quantize=True, cache_dir=onnx_cache)
    texts = [
        "Coal war\nKazakhstan blocked 1,700 wagons of Russian coal. The pretext was a lack of paperwork.",
        "Oil\nShipments through Novorossiysk were limited. The reason given: 50 mines from the war.",
    ] * 3
    spans = [[(t.index(s), t.index(s) + len(s)) for s in t.split("\n")[1].split(". ")] for t in texts]
    seen: list[int] = []
    vectors, pooled = q8.embed_passages(texts, spans, progress=seen.append)
    assert np.abs(vectors - q8.embed_documents(texts)).max() < 1e-5 and sum(seen) == 6
    alone = q8.embed_documents([t[a:b] for t, ss in zip(texts, spans) for a, b in ss])
    flat = np.concatenate(pooled)
    assert flat.shape == (12, q8.dim) and np.allclose(np.linalg.norm(flat, axis=1), 1.0, atol=1e-5)
    cosines = (flat * alone).sum(axis=1)
    assert cosines.min() > 0.6, cosines  # the same sentence, read in its passage (0.73-0.92 here)
    assert (flat[0] * alone[1]).sum() < cosines[0]  # nearer its own sentence than its neighbour


# ---------------------------------------------------------------- the same vectors on every CPU


def _matmul_integer(weights: np.ndarray, activations: np.ndarray) -> np.ndarray:
    """u8 activations x s8 weights through ONNX Runtime's int8 kernel for this CPU."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    k, n = weights.shape
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["A", "B"], ["Y"])],
        "matmul",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, [None, k])],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, [None, n])],
        [numpy_helper.from_array(weights, "B")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"A": activations})[0]


def _worst_case(limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights at +-limit and activations at 255, where 16-bit pair sums saturate first."""
    rng = np.random.default_rng(7)
    weights = rng.integers(-limit, limit + 1, size=(384, 48)).astype(np.int8)
    weights[:, 0], weights[:, 1] = limit, -limit
    activations = rng.integers(0, 256, size=(8, 384)).astype(np.uint8)
    activations[0] = 255
    return weights, activations


def test_int8_kernel_computes_exact_sums_with_7_bit_weights():
    """The reason the quantized model has 7-bit weights: with them ONNX Runtime's int8 kernel gives
    the exact integer products on this CPU, whichever instruction set it runs (so every CPU agrees)."""
    weights, activations = _worst_case(WEIGHT_LIMIT)
    exact = activations.astype(np.int64) @ weights.astype(np.int64)
    assert np.array_equal(_matmul_integer(weights, activations), exact)


@pytest.mark.skipif(
    not cpu_flags()["avx2"] or cpu_flags()["avx512_vnni"] or cpu_flags()["avx_vnni"],
    reason="only CPUs with AVX2 and no VNNI saturate on 8-bit weights",
)
def test_8_bit_weights_saturate_on_avx2_without_vnni():
    """What 7-bit weights avoid: here, the same kernel with full 8-bit weights loses the exact sums."""
    weights, activations = _worst_case(127)
    exact = activations.astype(np.int64) @ weights.astype(np.int64)
    assert not np.array_equal(_matmul_integer(weights, activations), exact)


@pytest.mark.slow
def test_exported_int8_weights_fit_in_7_bits(onnx_cache):
    """Every int8 weight that reaches a u8 x s8 kernel is within the saturation-free range."""
    import onnx
    from onnx import numpy_helper

    q8 = OnnxEmbedder(quantize=True, cache_dir=onnx_cache)
    model = onnx.load(str(exported_model(q8.path, onnx_cache, quantize=True)))
    weights = [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 24  # 6 layers x (attention + 2 feed-forward + output) at least
    assert max(int(np.abs(w.astype(np.int16)).max()) for w in weights) <= WEIGHT_LIMIT


@pytest.mark.slow
def test_both_int8_kernel_paths_give_the_same_vectors(onnx_cache, tmp_path):
    """The whole model: its s8 weights on this CPU's kernel, and its exact twin (u8 x u8, the sums a
    VNNI CPU computes), embed the same texts to the same vectors."""
    from rag.index.embed.onnx import exact_twin

    q8 = OnnxEmbedder(quantize=True, cache_dir=onnx_cache)
    twin = exact_twin(exported_model(q8.path, onnx_cache, quantize=True), tmp_path / "twin.onnx")
    exact = OnnxEmbedder(quantize=True, cache_dir=onnx_cache, onnx_file=twin)
    texts = TEXTS + [f"Passage {i}: " + "Kazakhstan blocked wagons of Russian coal. " * (1 + i % 9) for i in range(12)]
    assert np.abs(q8.embed_documents(texts) - exact.embed_documents(texts)).max() < 1e-5
